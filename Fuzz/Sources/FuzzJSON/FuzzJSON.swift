// Internal types (JSONTokenizer, JSONListReader) are reached with @testable: scripts/fuzz builds with
// -enable-testing, so the fuzzer drives the streaming readers directly, at chunk sizes it chooses.
@testable import CoexistIngest
import Foundation
import FuzzSupport

/// Stops the fuzzer with a message (a precondition's message is lost in an optimized build).
private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    FileHandle.standardError.write(Data("FuzzJSON: \(message())\n".utf8))
    abort()
}

/// One token or the error that ended the document, with where it starts.
private struct Step: Equatable {
    let token: JSONTokenizer.Token?
    let error: IngestError?
    let line: Int
    let column: Int
}

/// Every token of `bytes` read `chunkSize` bytes at a time, ending with nil or the error.
private func steps(_ bytes: [UInt8], chunkSize: Int) -> [Step] {
    let tokenizer = JSONTokenizer(bytes: bytes, displayName: "fuzz.json", chunkSize: chunkSize)
    var result: [Step] = []
    do {
        while let token = try tokenizer.next() {
            require(tokenizer.tokenLine >= 1 && tokenizer.tokenColumn >= 1, "positions are 1-based")
            result.append(Step(token: token, error: nil, line: tokenizer.tokenLine, column: tokenizer.tokenColumn))
        }
        result.append(Step(token: nil, error: nil, line: 0, column: 0))
    } catch {
        require(error.position.map { $0.line >= 1 && $0.column >= 1 } ?? true, "positions are 1-based: \(error)")
        result.append(Step(token: nil, error: error, line: 0, column: 0))
    }
    return result
}

/// Every item of the list the document holds (or its error), read with a small chunk size.
private func walkList(_ bytes: [UInt8], chunkSize: Int) {
    let list = JSONListReader(tokenizer: JSONTokenizer(bytes: bytes, displayName: "fuzz.json", chunkSize: chunkSize))
    do {
        while let item = try list.nextItem() {
            require(item.line >= 1 && item.column >= 1, "items start at 1-based positions")
            _ = item.members.count
        }
    } catch {
        require(error.position.map { $0.line >= 1 && $0.column >= 1 } ?? true, "positions are 1-based: \(error)")
    }
}

// Built once: the dispatcher with the built-in layouts, as ExportSetLoader builds it for every run.
private let dispatcher = FormatDispatcher(context: try! IngestContext(IngestOptions()))  // the built-in data ships with the module
private let scratchFile = NSTemporaryDirectory() + "/coexist-fuzz-\(getpid()).json"

/// libFuzzer entry: any bytes are tokenized identically whatever the chunk size (the tokenizer's
/// buffer compaction and growth are invisible), and reading them as an export through the format
/// dispatcher (every JSON layout) either succeeds or fails with one IngestError — never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let chunkSize = 4 + Int(bytes.last ?? 0) % 29
    let whole = steps(bytes, chunkSize: 1 << 16)  // -max_len: the whole input in one window
    let chunked = steps(bytes, chunkSize: chunkSize)
    require(whole == chunked, "chunk size \(chunkSize) changes the tokens:\n\(whole)\nvs\n\(chunked)")
    walkList(bytes, chunkSize: chunkSize)
    // The whole path a user's file takes: sniffing, layout choice, mapping to records.
    require(FileManager.default.createFile(atPath: scratchFile, contents: Data(bytes)), "cannot write \(scratchFile)")
    do {
        _ = try dispatcher.readJSON(path: scratchFile, displayName: "fuzz.json", isData: true)
    } catch {
        require(error.position.map { $0.line >= 1 && $0.column >= 1 } ?? true, "positions are 1-based: \(error)")
    }
    return 0
}

/// SwiftPM links an executable's entry point as `<Target>_main`; hand control to libFuzzer's driver from it.
@_cdecl("FuzzJSON_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzJSON)
}
