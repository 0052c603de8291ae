import Crypto
import Foundation

/// The SHA-256 of a file, read in 1 MiB chunks so a large export never sits in memory whole.
func sha256Hex(ofFile path: String, displayName: String) throws(IngestError) -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw .unreadable(file: displayName, reason: "cannot open for reading")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    do {
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
    } catch {
        throw .unreadable(file: displayName, reason: error.localizedDescription)
    }
    return hexDigest(hasher.finalize())
}

/// A digest as lower-case hex.
func hexDigest(_ digest: SHA256.Digest) -> String {
    digest.map { byte in
        let hex = String(byte, radix: 16)
        return byte < 16 ? "0" + hex : hex
    }.joined()
}
