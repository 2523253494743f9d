using System.CommandLine;
using Rostra.Core;

namespace Rostra.Cli;

/// <summary><c>rostra template TYPE</c>: the CSV template on stdout, UTF-8 with BOM, CRLF.</summary>
internal static class TemplateCommand
{
    public static Command Create(CliIo io)
    {
        var type = UserTypeArgument();
        var command = new Command("template", "Print the CSV template of a user type.") { type };
        command.SetAction(async (parse, ct) =>
        {
            var bytes = Templates.FileBytes(parse.GetValue(type));
            await using var stdout = io.OpenStandardOutput();
            await stdout.WriteAsync(bytes, ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static Argument<UserType> UserTypeArgument() => new("TYPE")
    {
        HelpName = "student|teacher|school-admin",
        Description = "student, teacher or school-admin.",
        CustomParser = r => ParseType(r.Tokens.Count == 1 ? r.Tokens[0].Value : null, m => r.AddError(m)),
    };

    internal static Option<UserType> UserTypeOption() => new("--type")
    {
        HelpName = "student|teacher|school-admin",
        Description = "The user type of the file: student, teacher or school-admin.",
        Required = true,
        CustomParser = r => ParseType(r.Tokens.Count == 1 ? r.Tokens[0].Value : null, m => r.AddError(m)),
    };

    private static UserType ParseType(string? text, Action<string> error)
    {
        if (UserTypes.TryParse(text, out var t)) return t;
        error($"'{text}' is not a user type. Use student, teacher or school-admin.");
        return default;
    }
}

/// <summary><c>rostra db migrate</c>.</summary>
internal static class DbCommand
{
    public static Command Create(CliIo io)
    {
        var migrate = new Command("migrate", "Bring the database schema up to date.");
        migrate.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            await cli.Out.WriteLineAsync($"The {cli.Store.Provider} database is up to date.");
            return ExitCodes.Ok;
        }));
        return new Command("db", "Database maintenance.") { migrate };
    }
}
