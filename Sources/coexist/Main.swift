import ArgumentParser
import Foundation

/// The entry point: parses, runs, and turns every outcome into one message and one exit code.
/// ArgumentParser's own usage errors exit 64 by default; coexist promises 2 (SPEC §6).
@main
enum Main {
    static func main() {
        if Coexist.readsExportSets(CommandLine.arguments) {
            HugePages.restartWithHugePagesIfUseful()
            LargeBlocks.keepInHeap(environment: ProcessInfo.processInfo.environment)
        }
        // A file-size limit then fails the write (a clear storage error, exit 4) instead of killing the process.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try Coexist.parseAsRoot()
            try command.run()
            exit(ExitStatus.success.rawValue)
        } catch let outcome as CommandOutcome {
            exit(outcome.status.rawValue)
        } catch let failure as CommandFailure {
            Terminal.error(failure.message)
            exit(failure.status.rawValue)
        } catch {
            let code = Coexist.exitCode(for: error)
            if code == .success {
                print(Coexist.fullMessage(for: error))
                exit(0)
            }
            Terminal.error(Coexist.fullMessage(for: error))
            exit(ExitStatus.invalidInput.rawValue)
        }
    }
}
