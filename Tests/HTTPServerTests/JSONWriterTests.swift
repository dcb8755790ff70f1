import HTTPServer
import Testing

/// What JSONWriter writes, checked against the bytes RFC 8259 asks for.
@Suite struct JSONWriterTests {
    @Test("strings are escaped as RFC 8259 §7 asks, and copied whole when they need no escape", arguments: [
        ("plain", #""plain""#),
        ("Siti Aminah é 🙂", #""Siti Aminah é 🙂""#),
        ("quote \" and \\ backslash", #""quote \" and \\ backslash""#),
        ("line\nreturn\rtab\t", #""line\nreturn\rtab\t""#),
        ("bell\u{07}nul\u{00}", #""bell\u0007nul\u0000""#),
        ("", #""""#),
    ])
    func strings(_ value: String, _ expected: String) {
        var json = JSONWriter()
        json.string(value)
        #expect(String(decoding: json.bytes, as: UTF8.self) == expected)
    }

    @Test("objects and arrays get commas between members and none after the last")
    func structure() {
        var json = JSONWriter()
        json.beginObject()
        json.field("a", 1)
        json.field("b", nil as String?)
        json.key("c")
        json.beginArray()
        json.string("x")
        json.number(2)
        json.endArray()
        json.endObject()
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"a":1,"b":null,"c":["x",2]}"#)
    }
}
