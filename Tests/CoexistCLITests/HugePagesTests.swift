import Testing

@testable import coexist

@Suite("huge-pages restart")
struct HugePagesTests {
    @Test("only the commands that read export sets restart for huge pages")
    func onlyExportReadingCommands() {
        for command in ["reconcile", "validate", "import", "preflight"] {
            #expect(Coexist.readsExportSets(["coexist", command, "--help"]), "\(command)")
        }
        for arguments in [["coexist"], ["coexist", "--version"], ["coexist", "rules"], ["coexist", "history"], ["coexist", "baseline"]] {
            #expect(!Coexist.readsExportSets(arguments), "\(arguments)")
        }
    }
}
