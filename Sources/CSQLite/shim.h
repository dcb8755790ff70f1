#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro, which Swift does not import. It tells SQLite to copy a
// bound value before sqlite3_bind_* returns, so Swift may free its buffer right away.
static inline sqlite3_destructor_type csqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

// sqlite3_db_config is variadic, which Swift cannot call. This wraps the options that take
// (int onoff, int *result), such as SQLITE_DBCONFIG_DQS_DML and SQLITE_DBCONFIG_DQS_DDL.
static inline int csqlite_db_config_int(sqlite3 *db, int op, int value, int *result) {
    return sqlite3_db_config(db, op, value, result);
}

#endif
