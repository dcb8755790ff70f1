internal import Glibc

/// Read-only connections owned by the thread that uses them, one per pool, for
/// `DatabasePool.readHere`. An event-loop thread answering a primary-key lookup this way
/// saves two thread hand-offs per request, which cost more than the lookup itself.
///
/// The connections live in a pthread-specific value, closed when the thread exits; a
/// connection whose pool has closed or gone is closed on its thread's next use.
enum ThreadReaders {
    /// This thread's connections, by pool.
    private final class Slots {
        var entries: [(pool: Weak, connection: Connection)] = []

        deinit {
            for entry in entries {
                try? entry.connection.close()
            }
        }
    }

    private struct Weak {
        weak var pool: DatabasePool?
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // The destructor runs on the exiting thread, where the connections were used.
        let created = pthread_key_create(&key) { slots in
            guard let slots else { return }
            Unmanaged<Slots>.fromOpaque(slots).release()
        }
        precondition(created == 0, "pthread_key_create failed")
        return key
    }()

    /// This thread's connection to `pool`, opened by `open` on first use.
    static func connection(for pool: DatabasePool, open: () throws -> Connection) throws -> Connection {
        let slots: Slots
        if let existing = pthread_getspecific(key) {
            slots = Unmanaged<Slots>.fromOpaque(existing).takeUnretainedValue()
        } else {
            slots = Slots()
            pthread_setspecific(key, Unmanaged.passRetained(slots).toOpaque())
        }
        if let entry = slots.entries.first(where: { $0.pool.pool === pool }) {
            return entry.connection
        }
        // A new pool on this thread: a good moment to let go of connections to closed ones.
        slots.entries.removeAll { entry in
            guard let other = entry.pool.pool, other.isOpen else {
                try? entry.connection.close()
                return true
            }
            return false
        }
        let connection = try open()
        slots.entries.append((Weak(pool: pool), connection))
        return connection
    }
}
