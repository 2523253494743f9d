using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;
using Rostra.Core.Validation;

namespace Rostra.Cli;

/// <summary>
/// <c>rostra import revert IMPORT_ID --district D</c>: undoes a completed import within 30 days (SPEC §10). It sits
/// under <c>import</c> but takes no FILE: the parser already reads it without one, and its help says so too (by
/// default a subcommand's usage repeats its parent's arguments: <c>rostra import &lt;FILE&gt; revert …</c>).
/// </summary>
internal static class ImportRevertCommand
{
    public const string Name = "revert";

    public static Command Create(CliIo io)
    {
        var id = new Argument<string>("IMPORT_ID") { Description = "The import's id, as 'rostra import --format json' or the History page gives it." };
        var district = new Option<string>("--district") { Description = "The district id.", Required = true };
        var revert = new Command(Name, "Undo a completed import of the last 30 days: created users removed, updated ones put back, deactivated ones reactivated.") { id, district };
        revert.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var d = await cli.DistrictAsync(parse.GetValue(district)!, ct);
            if (!Guid.TryParse(parse.GetValue(id), out var importId) || await cli.Store.GetImportAsync(d.Id, importId, ct) is null)
                throw new UsageException($"District {d.Id} has no import '{parse.GetValue(id)}'.");
            var result = await cli.Store.RevertImportAsync(d.Id, importId, Roster.RosterSettings.FromEnvironment().RevertWindow, ct);
            if (!result.Succeeded)
            {
                await cli.Error.WriteLineAsync($"{result.Reason} [{IssueCodes.ImportRevertConflict}]");
                return ExitCodes.FileHasErrors;
            }
            await cli.Out.WriteLineAsync($"Import {importId} was reverted: {result.Users.ToString("N0", CultureInfo.InvariantCulture)} users put back as they were.");
            return ExitCodes.Ok;
        }));
        return revert;
    }

    /// <summary>
    /// Makes the help of <c>import</c> and <c>import revert</c> show what each takes: <c>rostra import &lt;FILE&gt;</c>
    /// and <c>rostra import revert &lt;IMPORT_ID&gt;</c>, the revert's arguments without the parent's FILE.
    /// </summary>
    public static void SeparateHelp(RootCommand root)
    {
        var import = root.Subcommands.Single(c => c.Name == "import");
        var revert = import.Subcommands.Single(c => c.Name == Name);
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction standard) help.Action = new SeparateHelpAction(standard, import, revert);
    }

    /// <summary>The standard help, with the usage of <c>import</c> and <c>import revert</c> written as they are run.</summary>
    private sealed class SeparateHelpAction(HelpAction standard, Command import, Command revert) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var command = parseResult.CommandResult.Command;
            if (command != import && command != revert) return standard.Invoke(parseResult);
            var configuration = parseResult.InvocationConfiguration;
            var output = configuration.Output;
            using var text = new StringWriter(CultureInfo.InvariantCulture);
            configuration.Output = text;
            int exit;
            try
            {
                exit = standard.Invoke(parseResult);
            }
            finally
            {
                configuration.Output = output;
            }
            var file = import.Arguments.Single();
            var lines = text.ToString().ReplaceLineEndings("\n").Split('\n').ToList();
            if (command == import)
            {
                var usage = lines.IndexOf($"  rostra import <{file.Name}> [command] [options]");
                if (usage >= 0)
                {
                    lines[usage] = $"  rostra import <{file.Name}> [options]";
                    lines.Insert(usage + 1, $"  rostra import {Name} {string.Join(' ', revert.Arguments.Select(a => $"<{a.Name}>"))} [options]");
                }
            }
            else
            {
                // The parent's FILE is neither in the usage nor among the arguments.
                lines = [.. lines.Where(l => !l.StartsWith($"  <{file.Name}> ", StringComparison.Ordinal))
                    .Select(l => l.Replace($"rostra import <{file.Name}> {Name} ", $"rostra import {Name} ", StringComparison.Ordinal))];
            }
            output.Write(string.Join(Environment.NewLine, lines));
            return exit;
        }
    }
}
