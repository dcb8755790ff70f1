import Glibc
@testable import Sinergi
import Testing

@Suite struct UTCTimeTests {
    @Test("the arithmetic conversion agrees with gmtime_r, every 7 hours 13 minutes from 1900 to 2200")
    func agreesWithGmtime() {
        var seconds = -2_208_988_800  // 1900-01-01
        while seconds < 7_258_118_400 {  // 2200-01-01
            var value = time_t(seconds)
            var parts = tm()
            gmtime_r(&value, &parts)
            let time = UTCTime(epochSeconds: seconds)
            let expected = [Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
                            Int(parts.tm_min), Int(parts.tm_sec)]
            #expect([time.year, time.month, time.day, time.hour, time.minute, time.second] == expected, "\(seconds)")
            if [time.year, time.month, time.day, time.hour, time.minute, time.second] != expected { return }
            seconds += 7 * 3600 + 13 * 60 + 17
        }
    }

    @Test("days and ManualClock round-trip: midnight of a day is that day")
    func roundTrip() {
        for text in ["1970-01-01", "2000-02-29", "2026-12-03", "2100-03-01", "1969-12-31"] {
            let day = CalendarDate(text)!
            #expect(CalendarDate(epochSeconds: ManualClock.epochSeconds(of: day)) == day, "\(text)")
        }
    }
}
