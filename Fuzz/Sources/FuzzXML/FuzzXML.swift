import CoexistIngest
import FuzzSupport

/// Counts events so the optimizer cannot drop the callbacks.
final class CountingHandler: XMLEventHandler {
    var events = 0
    func startElement(_ name: String, namespaceURI: String?, attributes: [String: String], line: Int, column: Int) throws {
        precondition(line >= 1 && column >= 1, "positions are 1-based")
        events += 1 + attributes.count
    }
    func endElement(_ name: String, namespaceURI: String?) throws { events += 1 }
    func characters(_ text: String) throws { events += 1 }
}

/// libFuzzer entry: any bytes are either accepted by the safe XML reader or refused with one IngestError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let handler = CountingHandler()
    do {
        try XMLStreamReader.parse(bytes: bytes, displayName: "fuzz.xml", handler: handler)
    } catch let error as IngestError {
        precondition(error.position.map { $0.line >= 1 && $0.column >= 1 } ?? true, "positions are 1-based: \(error)")
    } catch {
        preconditionFailure("the reader threw something other than IngestError: \(error)")
    }
    return 0
}

/// SwiftPM links an executable's entry point as `<Target>_main`; hand control to libFuzzer's driver from it.
@_cdecl("FuzzXML_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzXML)
}
