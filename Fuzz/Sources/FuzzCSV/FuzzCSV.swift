import CoexistIngest
import FuzzSupport

/// libFuzzer entry: any bytes either parse as CSV or fail with one IngestError — never a crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let reader = try CSVReader(bytes: bytes, displayName: "fuzz.csv", limits: .init(maxFieldBytes: 1 << 16, maxFields: 512))
        while let record = try reader.next() {
            for index in 0..<record.count {
                _ = record.string(at: index)
                _ = record.column(at: index)
                precondition(record.line(at: index) >= 1, "lines are 1-based")
            }
        }
    } catch {
        precondition(error.position.map { $0.line >= 1 && $0.column >= 1 } ?? true, "positions are 1-based: \(error)")
    }
    return 0
}

/// SwiftPM links an executable's entry point as `<Target>_main`; hand control to libFuzzer's driver from it.
@_cdecl("FuzzCSV_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzCSV)
}
