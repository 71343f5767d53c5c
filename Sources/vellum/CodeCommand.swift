import ArgumentParser
import Drafting

struct Code: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Suggest ICD-10-CM codes and the office E/M level (99202-99215) for a visit note, each with its evidence.",
        discussion: """
            The note is de-identified before the model sees it. The model picks each code among candidates taken \
            from the ICD-10-CM table (scripts/fetch-icd10.py writes it), and every pick is checked: the code exists, \
            is billable, and its evidence sentence is in the note (line and offsets given). Only the assessment and \
            plan are coded. The E/M level is computed from the documented medical decision making (two of three \
            columns) or total time, never from the model, and the output says what the next level up would need. \
            Every suggestion is for a certified coder or the physician to confirm.
            """)

    @OptionGroup var options: DraftingOptions
    @Argument(help: "The visit note: a text file, or - for standard input.")
    var file: String

    func run() async throws {
        let input = try options.readInput(file)
        let table: ICD10Table
        do { table = try ICD10Table.load() } catch { throw CommandError(error.description) }
        let (deidentifier, backend, sha) = try options.prepare()
        let bar = ProgressBar(label: "coding")
        var result = try await CodeSuggester(table: table).suggest(input, deidentifier: deidentifier, backend: backend,
                                                                   modelSHA256: sha, progress: bar.update)
        try options.save(&result, input: input)
        if options.json { try options.printJSON(result) } else { writeOut(result.report) }
        let seconds = result.timings.deidentify + result.timings.generate + result.timings.check
        printError(String(format: "code: %.1f s (model %.1f s: %d prompt + %d generated tokens), %d code(s), level ",
                          seconds, result.timings.generate, result.timings.promptTokens, result.timings.generatedTokens,
                          result.diagnoses.count) + result.visit.code)
    }
}
