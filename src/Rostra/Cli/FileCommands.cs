using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Rostra.Core;
using Rostra.Core.Roster;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Rostra.Imports;
using Rostra.KeyRing;
using Rostra.Storage;
using Spectre.Console;
using ValidationResult = Rostra.Core.Validation.ValidationResult;

namespace Rostra.Cli;

/// <summary><c>rostra validate</c> and <c>rostra import</c>: one file, every problem at once, then all users or none.</summary>
internal static class FileCommands
{
    public static Command Validate(CliIo io) => Create(io, import: false);

    public static Command Import(CliIo io) => Create(io, import: true);

    private static Command Create(CliIo io, bool import)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The CSV file." };
        var district = new Option<string>("--district") { Description = "The district id.", Required = true };
        var type = TemplateCommand.UserTypeOption();
        var program = new Option<string?>("--program") { Description = "The program the users get (may be left out when the district has one)." };
        var format = new Option<string>("--format") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var mode = new Option<string>("--mode")
        {
            Description = "create: add new users (the default); update: add new and update existing users; sync: the file is the full roster, also deactivate users who are not in it.",
            DefaultValueFactory = _ => "create",
        };
        mode.AcceptOnlyFromAmong("create", "update", "sync");
        var allow = new Option<int?>("--allow-deactivations") { Description = "A sync that deactivates more users than the threshold needs this exact number." };
        var command = import
            ? new Command("import", "Validate a file and, when it has no errors, import every user in it (all or none).") { file, district, type, program, format, mode, allow }
            : new Command("validate", "Check a file and list every problem in it; nothing is imported.") { file, district, type, format, mode };
        if (import) command.Add(ImportRevertCommand.Create(io));
        command.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var info = parse.GetValue(file)!;
            if (!info.Exists) throw new UsageException($"There is no file '{info.FullName}'.");
            var d = await cli.DistrictAsync(parse.GetValue(district)!, ct);
            var userType = parse.GetValue(type);
            var json = parse.GetValue(format) == "json";
            var target = import && !d.IsRosterSynced ? await ResolveProgramAsync(cli, d, parse.GetValue(program), ct) : null;
            ImportModes.TryParse(parse.GetValue(mode), out var importMode);
            var run = new FileRun(io, cli, d, userType, info, json, import, target?.Name) { Mode = importMode, AllowDeactivations = import ? parse.GetValue(allow) : null };
            return import ? await run.ImportAsync(target?.Id, ct) : await run.ValidateAsync(ct);
        }));
        return command;
    }

    private static async Task<DistrictProgram> ResolveProgramAsync(CliContext cli, District district, string? program, CancellationToken ct)
    {
        var programs = await cli.Store.ListProgramsAsync(district.Id, ct);
        if (program is not null)
        {
            return programs.FirstOrDefault(p => p.Id.Equals(program.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"District {district.Id} has no program '{program}'. Its programs: {Names(programs)}.");
        }
        return programs.Count switch
        {
            1 => programs[0],
            0 => throw new UsageException($"District {district.Id} has no program yet. Add one with: rostra program add ID --district {district.Id} --name \"…\""),
            _ => throw new UsageException($"District {district.Id} has several programs; choose one with --program ({Names(programs)})."),
        };
    }

    private static string Names(IReadOnlyList<DistrictProgram> programs) =>
        programs.Count == 0 ? "none" : string.Join(", ", programs.Select(p => $"{p.Id} ({p.Name})"));

    /// <summary>One validate or import of one file, and how it is reported.</summary>
    private sealed class FileRun(
        CliIo io, CliContext cli, District district, UserType type, FileInfo file, bool json, bool import, string? programName)
    {
        public ImportMode Mode { get; init; }

        public int? AllowDeactivations { get; init; }

        private Guid? importId;

        public async Task<int> ValidateAsync(CancellationToken ct)
        {
            await using var stream = OpenFile();
            if (!Mode.HasPlan() || district.IsRosterSynced)
            {
                var checkedOnly = await ValidateWithProgressAsync(stream, await ContextAsync(ct), ct);
                await ReportAsync(checkedOnly.IsValid ? "valid" : "invalid", checkedOnly, 0, checkedOnly.Errors);
                return checkedOnly.IsValid ? ExitCodes.Ok : ExitCodes.FileHasErrors;
            }
            // An update or sync is recorded, so its plan and changes can be read (GET /api/imports/{id}/changes);
            // it ends cancelled: validate never imports.
            var record = new ImportRecord(
                Guid.NewGuid(), district.Id, null, type, file.Name, await Sha256Async(stream, ct), ImportStatus.Validating,
                0, 0, 0, 0, DateTimeOffset.UtcNow, "cli:" + Environment.UserName, DateTimeOffset.UtcNow, Mode: Mode);
            await cli.Store.CreateImportAsync(record, ct);
            importId = record.Id;
            var result = await ValidateWithProgressAsync(stream, await PlanContextAsync(record.Id, null, ct), ct);
            await cli.Store.CompleteValidationAsync(record.Id, result.IsValid ? ImportStatus.Valid : ImportStatus.Invalid, result.Rows, result.Errors, result.Warnings, ct, result.Counts);
            if (result.Plan is { } plan) await cli.Store.SavePlanAsync(record.Id, plan, ct);
            else await cli.Store.ClearPlanAsync(record.Id, ct);
            await cli.Store.TryTransitionAsync(record.Id, [ImportStatus.Valid], ImportStatus.Cancelled, "Checked with rostra validate; nothing was imported.", ct);
            await ReportAsync(result.IsValid ? "valid" : "invalid", result, 0, result.Errors);
            return result.IsValid ? ExitCodes.Ok : ExitCodes.FileHasErrors;
        }

        /// <summary>The validation context of an update or sync: rows compared with the district's users, the plan kept with the import.</summary>
        private async Task<ValidationContext> PlanContextAsync(Guid id, string? programId, CancellationToken ct) =>
            (await ContextAsync(ct)) with { Mode = Mode, Roster = cli.Store, ProgramId = programId, Plan = new Roster.StorePlanSink(cli.Store, id) };

        public async Task<int> ImportAsync(string? programId, CancellationToken ct)
        {
            await using var stream = OpenFile();
            if (district.IsRosterSynced)
            {
                var refused = new ValidationResult(0, [Issues.DistrictRosterSynced(district)], []);
                await ReportAsync("invalid", refused, 0, refused.Errors);
                return ExitCodes.FileHasErrors;
            }

            // The same engine as an upload on the web: validate and stage, CONFIRM, hash this import's chunks here, one write.
            var settings = ImportEngineSettings.ForCommandLine();
            var services = new ServiceCollection();
            services.AddSingleton<IKeyRingStore>(cli.Store);
            services.AddRostraKeyRing(KeyRingSettings.FromEnvironment(Web.RostraWeb.DefaultDataDirectory(cli.ConnectionString)));
            await using var provider = services.BuildServiceProvider();
            var engine = new ImportEngine(cli.Store, new PasswordHasher(RostraSettings.HashOptions()),
                new PasswordVault(provider.GetRequiredService<IDataProtectionProvider>()), settings, NullLogger<ImportEngine>.Instance);
            // An earlier rostra import that was killed: it ends failed, with nothing written.
            await cli.Store.FailAbandonedImportsAsync(ImportEngineSettings.CommandLinePrefix, ImportMessages.CommandLineStopped, ct);
            await cli.Store.HousekeepAsync(ImportMessages.StaleValidation, settings.ValidExpiryTime, ImportMessages.Expired, ct);

            var now = DateTimeOffset.UtcNow;
            var record = new ImportRecord(
                Guid.NewGuid(), district.Id, programId, type, file.Name, await Sha256Async(stream, ct), ImportStatus.Validating,
                0, 0, 0, 0, now, "cli:" + Environment.UserName, now, Mode: Mode);
            await cli.Store.CreateImportAsync(record, ct);
            importId = record.Id;
            try
            {
                var result = await WithProgressAsync("Validating", 100, progress =>
                    engine.ValidateAsync(record, district, stream, RostraSettings.Limits(),
                        progress is null ? null : new Progress<ValidationProgress>(p => progress.Report((int)(100 * p.BytesRead / Math.Max(1, p.TotalBytes)))), ct));
                if (result is null) return await EndedElsewhereAsync(record, ct);
                if (!result.IsValid)
                {
                    await ReportAsync("invalid", result, 0, result.Errors);
                    return ExitCodes.FileHasErrors;
                }
                // A sync over the deactivation threshold goes on only when --allow-deactivations names its number.
                if (Roster.RosterSettings.FromEnvironment().CheckThreshold(result.Plan, AllowDeactivations) is { } threshold)
                {
                    await cli.Store.TryTransitionAsync(record.Id, [ImportStatus.Valid], ImportStatus.Cancelled, threshold.Message, CancellationToken.None);
                    await cli.Store.PurgeStagedRowsAsync(record.Id, CancellationToken.None);
                    await ReportAsync("invalid", result, 0, [threshold]);
                    return ExitCodes.FileHasErrors;
                }
                // Passwords of the rows to write: the rows a plan leaves unchanged are never hashed.
                var ended = await WithProgressAsync("Importing", result.RowsToWrite, progress => engine.RunToEndAsync(record, progress, ct));
                if (ended.Status == ImportStatus.Completed)
                {
                    await ReportAsync("imported", result, ended.Imported, []);
                    return ExitCodes.Ok;
                }
                if (ended.Status == ImportStatus.Failed && ended.ErrorCount > 0)
                {
                    // Usernames or emails taken by another import after the file was checked: its rows, as validation lists them.
                    var errors = await cli.Store.GetImportErrorsAsync(record.Id, 0, Math.Max(1, ended.ErrorCount), CancellationToken.None);
                    await ReportAsync("invalid", result, 0, errors);
                    return ExitCodes.FileHasErrors;
                }
                return await EndedElsewhereAsync(ended, ct);
            }
            catch (OperationCanceledException)
            {
                await cli.Store.TryTransitionAsync(record.Id, [ImportStatus.Validating, ImportStatus.Valid, ImportStatus.Importing],
                    ImportStatus.Cancelled, ImportMessages.CancelledOnCommandLine, CancellationToken.None);
                await cli.Store.PurgeStagedRowsAsync(record.Id, CancellationToken.None);
                throw;
            }
            catch (Exception)
            {
                await cli.Store.TryTransitionAsync(record.Id, [ImportStatus.Validating, ImportStatus.Valid, ImportStatus.Importing],
                    ImportStatus.Failed, ImportMessages.Failed, CancellationToken.None);
                await cli.Store.PurgeStagedRowsAsync(record.Id, CancellationToken.None);
                throw;
            }
        }

        /// <summary>The import ended without this process (cancelled on the web, or failed): its message, exit 3.</summary>
        private async Task<int> EndedElsewhereAsync(ImportRecord record, CancellationToken ct)
        {
            var ended = await cli.Store.GetImportAsync(record.DistrictId, record.Id, ct) ?? record;
            await cli.Error.WriteLineAsync($"{file.Name}: {ended.Message ?? ImportMessages.Failed}");
            return ExitCodes.Failure;
        }

        private FileStream OpenFile() =>
            new(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);

        private static async Task<string> Sha256Async(Stream stream, CancellationToken ct)
        {
            stream.Position = 0;
            var hash = await SHA256.HashDataAsync(stream, ct);
            stream.Position = 0;
            return Convert.ToHexStringLower(hash);
        }

        /// <summary>The district's schools and the limits, read once for both the validation and the import.</summary>
        private Task<ValidationContext> ContextAsync(CancellationToken ct) =>
            ValidationContexts.CreateAsync(cli.Store, district, type, RostraSettings.Limits(), ct);

        private async Task<ValidationResult> ValidateWithProgressAsync(Stream stream, ValidationContext context, CancellationToken ct)
        {
            return await WithProgressAsync("Validating", 100, progress =>
                FileValidator.ValidateAsync(stream, context,
                    progress is null ? null : new Progress<ValidationProgress>(p => progress.Report((int)(100 * p.BytesRead / Math.Max(1, p.TotalBytes)))), ct));
        }

        /// <summary>A progress bar on stderr when a person is watching; nothing when output is redirected.</summary>
        private async Task<T> WithProgressAsync<T>(string label, int total, Func<IProgress<int>?, Task<T>> work)
        {
            if (!io.IsTerminal || json) return await work(null);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            T result = default!;
            await console.Progress().AutoClear(true).StartAsync(async ctx =>
            {
                var task = ctx.AddTask(label, maxValue: Math.Max(1, total));
                result = await work(new Progress<int>(n => task.Value = n));
                task.Value = task.MaxValue;
            });
            return result;
        }

        private async Task ReportAsync(string status, ValidationResult result, int imported, IReadOnlyList<ImportIssue> errors)
        {
            if (json)
            {
                var report = new CliReport(status, district.Id, type.Slug(), result.Rows, imported,
                    errors, result.Warnings, importId, Mode.Slug(), Mode.HasPlan() ? result.Plan?.Counts : null);
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(report, CliJson.Indented));
                return;
            }

            await cli.Out.WriteLineAsync(Summary(status, result, imported, errors));
            // Once imported, the summary says what the plan did; before, the plan says what it would do.
            if (status != "imported" && Mode.HasPlan() && result.Plan is { } plan)
            {
                var c = plan.Counts;
                string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
                var words = c.Update > 0 && plan.TopChange is { } change ? TopChangeWords.Describe(change, c.Update) : null;
                var top = words is null ? "," : $" — {words} —";
                await cli.Out.WriteLineAsync($"Plan ({Mode.Slug()}): {N(c.Create)} new, {N(c.Update)} updated{top} {N(c.Unchanged)} unchanged, {N(c.Deactivate)} to deactivate, {N(c.Reactivate)} to reactivate.");
                // Said before the import refuses it: the number is stated by the person, never put in a command to copy.
                if (status == "valid" && Roster.RosterSettings.FromEnvironment().CheckThreshold(plan, null) is { } over)
                    await cli.Out.WriteLineAsync($"{over.Message} On the command line, the import needs --allow-deactivations {N(c.Deactivate)}.");
            }
            foreach (var warning in result.Warnings) await cli.Out.WriteLineAsync(WarningLine(warning));
            foreach (var group in errors.GroupBy(e => e.Row))
            {
                await cli.Error.WriteLineAsync(group.Key is null ? "File:" : group.Key == 1 ? "Row 1 (header):" : $"Row {group.Key}:");
                foreach (var e in group)
                {
                    var where = e.Column is null ? "" : e.Column + ": ";
                    var value = e.Value is null ? "" : $" (value: \"{e.Value}\")";
                    await cli.Error.WriteLineAsync($"  {where}{e.Message}{value} [{e.Code}]");
                    if (e.Code == IssueCodes.HeaderWrongTemplate)
                        await cli.Error.WriteLineAsync("  On the command line the user type is --type student, --type teacher or --type school-admin.");
                    if (e.Code == IssueCodes.ImportDeactivationThreshold && result.Plan is { } over)
                        await cli.Error.WriteLineAsync($"  On the command line, the import needs --allow-deactivations {over.Counts.Deactivate.ToString(CultureInfo.InvariantCulture)}.");
                }
            }
        }

        /// <summary>The first line: what happened to the file, and what to do next.</summary>
        private string Summary(string status, ValidationResult result, int imported, IReadOnlyList<ImportIssue> errors)
        {
            if (status == "imported" && Mode.HasPlan() && result.Plan is { } done)
            {
                var c = done.Counts;
                string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
                var where = programName is null ? district.Name : $"{programName} ({district.Name})";
                return $"{file.Name}: the changes were saved in {where}: {N(c.Create)} new, {N(c.Update)} updated, {N(c.Deactivate)} deactivated, " +
                    $"{N(c.Reactivate)} reactivated, {N(c.Unchanged)} unchanged.";
            }
            if (status == "imported")
            {
                var kind = type switch
                {
                    UserType.Student => imported == 1 ? "student was" : "students were",
                    UserType.Teacher => imported == 1 ? "teacher was" : "teachers were",
                    _ => imported == 1 ? "school admin was" : "school admins were",
                };
                var into = programName is null ? district.Name : $"{programName} ({district.Name})";
                return $"{file.Name}: {imported.ToString("N0", CultureInfo.InvariantCulture)} {kind} successfully imported into {into}.";
            }
            if (status == "valid")
            {
                // The command to run next in the same mode: without it, a file of existing users is all username.taken.
                var mode = Mode == ImportMode.Create ? "" : $" --mode {Mode.Slug()}";
                return $"{file.Name}: {Plural(result.Rows, "row")}, no errors. It is ready to import: rostra import {Quote(file.Name)} --district {district.Id} --type {type.Slug()}{mode}";
            }
            if (errors.Any(e => e.Code == IssueCodes.DistrictRosterSynced))
            {
                return $"{file.Name}: nothing was imported; this district does not take users from files.";
            }
            // Header and file errors stop the reading of rows: "0 rows" would only puzzle.
            var counted = result.Rows > 0 || errors.Any(e => e.Row > 1) ? $"{Plural(result.Rows, "row")}, " : "";
            var next = import
                ? "Nothing was imported. Fix the file and run the import again."
                : "Fix the file and validate it again.";
            // Only the first errors are kept in detail (ROSTRA_MAX_ERRORS); the count is of all of them.
            var total = ReferenceEquals(errors, result.Errors) ? result.ErrorCount : errors.Count;
            var listed = total > errors.Count ? $" (the first {errors.Count.ToString("N0", CultureInfo.InvariantCulture)} are listed)" : "";
            return $"{file.Name}: {counted}{Plural(total, "error")}{listed}. {next}";
        }

        /// <summary>Warnings in the words of the command line (the shared encoding message speaks of the web page).</summary>
        private static string WarningLine(ImportIssue warning)
        {
            var where = warning.Row is null ? "" : $"row {warning.Row}: ";
            var message = warning.Code == IssueCodes.FileEncodingFallback
                ? warning.Message[..(warning.Message.IndexOf(" Check that names", StringComparison.Ordinal) is var at and >= 0 ? at : warning.Message.Length)]
                  + " If accented names (é, ñ, ü) look wrong in 'rostra users list', save the file as \"CSV UTF-8\" instead."
                : warning.Message;
            return $"Warning: {where}{message} [{warning.Code}]";
        }

        private static string Quote(string name) => name.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '&' or ';') ? $"\"{name}\"" : name;

        private static string Plural(int n, string noun) =>
            $"{n.ToString("N0", CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";
    }
}

/// <summary>The JSON object of SPEC.md §6.</summary>
internal sealed record CliReport(
    string Status, string District, string UserType, int Rows, int Imported, IReadOnlyList<ImportIssue> Errors, IReadOnlyList<ImportIssue> Warnings,
    Guid? Id, string Mode, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] PlanCounts? Plan);
