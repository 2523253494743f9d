using System.CommandLine;
using Rostra.Core;
using Rostra.Core.Workbooks;

namespace Rostra.Cli;

/// <summary>
/// <c>rostra template TYPE [--format csv|xlsx] [--district D]</c>: the template on stdout: CSV (UTF-8 with BOM, CRLF),
/// or an Excel workbook, which for a district has a second sheet of its schools.
/// </summary>
internal static class TemplateCommand
{
    public static Command Create(CliIo io)
    {
        var type = UserTypeArgument();
        var format = new Option<string>("--format") { Description = "csv or xlsx (an Excel workbook with drop-downs).", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "xlsx");
        var district = new Option<string?>("--district") { Description = "With --format xlsx: add a sheet of the district's schools and their grades." };
        var command = new Command("template", "Print the template of a user type: CSV, or an Excel workbook with --format xlsx.") { type, format, district };
        command.SetAction(async (parse, ct) =>
        {
            var userType = parse.GetValue(type);
            var districtId = parse.GetValue(district);
            if (parse.GetValue(format) != "xlsx")
            {
                if (districtId is not null)
                {
                    await io.Error.WriteLineAsync("--district goes with --format xlsx: the CSV template is the header row alone.");
                    return ExitCodes.BadArguments;
                }
                await using var stdout = io.OpenStandardOutput();
                await stdout.WriteAsync(Templates.FileBytes(userType), ct);
                return ExitCodes.Ok;
            }
            if (districtId is null)
            {
                await using var stdout = io.OpenStandardOutput();
                await TemplateWorkbook.WriteAsync(stdout, userType, null, ct);
                return ExitCodes.Ok;
            }
            return await RostraCli.WithStoreAsync(io, parse, ct, async cli =>
            {
                var d = await cli.DistrictAsync(districtId, ct);
                var schools = await cli.Store.ListSchoolsAsync(d.Id, ct);
                await using var stdout = io.OpenStandardOutput();
                await TemplateWorkbook.WriteAsync(stdout, userType, schools, ct);
                return ExitCodes.Ok;
            });
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
