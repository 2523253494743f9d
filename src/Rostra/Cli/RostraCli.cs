using System.CommandLine;
using Rostra.Storage;

namespace Rostra.Cli;

/// <summary>The <c>rostra</c> command line (SPEC.md §6).</summary>
public static class RostraCli
{
    public static RootCommand Build(CliIo io)
    {
        var root = new RootCommand("Rostra: bulk import of students, teachers and school admins from CSV files.")
        {
            CliContext.DbOption,
        };
        root.Add(ServeCommand.Create(io));
        root.Add(DbCommand.Create(io));
        root.Add(SetupCommands.District(io));
        root.Add(SetupCommands.Program(io));
        root.Add(SetupCommands.School(io));
        root.Add(SetupCommands.Admin(io));
        root.Add(SetupCommands.Token(io));
        root.Add(TemplateCommand.Create(io));
        root.Add(FileCommands.Validate(io));
        root.Add(FileCommands.Import(io));
        root.Add(UsersCommand.Create(io));
        ImportRevertCommand.SeparateHelp(root);
        return root;
    }

    /// <summary>Parses and runs; argument errors exit with 2, as SPEC.md says, not the parser's default.</summary>
    public static async Task<int> RunAsync(string[] args, CliIo io, CancellationToken cancellationToken = default)
    {
        var root = Build(io);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await io.Error.WriteLineAsync(error.Message);
            await io.Error.WriteLineAsync("Run 'rostra --help' for usage.");
            return ExitCodes.BadArguments;
        }
        var config = new InvocationConfiguration { Output = io.Out, Error = io.Error, EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(config, cancellationToken);
    }

    /// <summary>
    /// Runs a command's body with the store open and migrated, mapping failures to exit codes:
    /// <see cref="UsageException"/> and duplicates → 2, anything else → 3. Messages go to stderr.
    /// </summary>
    internal static async Task<int> WithStoreAsync(
        CliIo io, ParseResult parse, CancellationToken cancellationToken, Func<CliContext, Task<int>> body)
    {
        try
        {
            var connection = CliContext.Connection(parse);
            await using var store = StoreFactory.Open(connection);
            await store.MigrateAsync(cancellationToken);
            var context = new CliContext(io.Out, io.Error, io.In, store, connection);
            return await body(context);
        }
        catch (UsageException e)
        {
            await io.Error.WriteLineAsync(e.Message);
            return ExitCodes.BadArguments;
        }
        catch (DuplicateKeyException e)
        {
            await io.Error.WriteLineAsync(e.Message);
            return ExitCodes.BadArguments;
        }
        catch (OperationCanceledException)
        {
            await io.Error.WriteLineAsync("Cancelled.");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            await io.Error.WriteLineAsync($"rostra: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}

/// <summary>The console the commands write to; tests and the web host can give their own.</summary>
public sealed record CliIo(TextWriter Out, TextWriter Error, TextReader In, Func<Stream> OpenStandardOutput, bool IsTerminal)
{
    public static CliIo FromConsole() => new(
        Console.Out, Console.Error, Console.In, Console.OpenStandardOutput,
        !Console.IsErrorRedirected && !Console.IsOutputRedirected);
}
