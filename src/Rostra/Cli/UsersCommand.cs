using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Rostra.Core;
using Rostra.Core.Csv;
using Rostra.Storage;

namespace Rostra.Cli;

/// <summary><c>rostra users list</c>: a district's users as CSV or JSON.</summary>
internal static class UsersCommand
{
    /// <summary>
    /// <c>rostra users export</c>: the district's active users of one type in that type's template columns, Password blank,
    /// formula-safe; uploaded again unchanged in update or sync mode, the file plans no change.
    /// </summary>
    private static Command Export(CliIo io)
    {
        var district = new Option<string>("--district") { Description = "The district id.", Required = true };
        var type = TemplateCommand.UserTypeOption();
        var format = new Option<string>("--format") { Description = "csv or xlsx (an Excel workbook, every value a text cell).", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "xlsx");
        var export = new Command("export", "Write a type's users in its template columns (Password blank), to edit and upload again in update or sync mode.") { district, type, format };
        export.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var d = await cli.DistrictAsync(parse.GetValue(district)!, ct);
            var userType = parse.GetValue(type);
            if (parse.GetValue(format) == "xlsx")
            {
                await using var stdout = io.OpenStandardOutput();
                await Core.Workbooks.RosterWorkbook.WriteAsync(stdout, userType, cli.Store.ExportUsersAsync(d.Id, userType, ct), ct);
                return ExitCodes.Ok;
            }
            await cli.Out.WriteAsync('\uFEFF');
            await Core.Roster.RosterExport.WriteCsvAsync(cli.Out, userType, cli.Store.ExportUsersAsync(d.Id, userType, ct), ct);
            return ExitCodes.Ok;
        }));
        return export;
    }

    public static Command Create(CliIo io)
    {
        var district = new Option<string>("--district") { Description = "The district id.", Required = true };
        var type = new Option<string?>("--type") { Description = "Only users of this type: student, teacher, school-admin or district-admin." };
        var format = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var list = new Command("list", "List a district's users.") { district, type, format };
        list.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var d = await cli.DistrictAsync(parse.GetValue(district)!, ct);
            var role = parse.GetValue(type);
            if (role is not null)
            {
                if (UserTypes.TryParse(role, out var t)) role = t.Role();
                else if (role != Roles.DistrictAdmin) throw new UsageException($"'{role}' is not a user type. Use student, teacher, school-admin or district-admin.");
            }
            var json = parse.GetValue(format) == "json";
            if (json) await cli.Out.WriteAsync('[');
            else CsvExport.WriteRecord(cli.Out, ["username", "firstName", "lastName", "email", "roles", "grade", "schoolIds", "programs", "active"]);
            var first = true;
            await foreach (var user in cli.Store.ReadAllUsersAsync(d.Id, role, ct))
            {
                if (json)
                {
                    await cli.Out.WriteAsync(first ? "\n  " : ",\n  ");
                    await cli.Out.WriteAsync(JsonSerializer.Serialize(user, CliJson.Compact));
                }
                else
                {
                    CsvExport.WriteRecord(cli.Out,
                    [
                        user.Username, user.FirstName, user.LastName, user.Email, string.Join(',', user.Roles), user.Grade,
                        string.Join(',', user.SchoolIds), string.Join(',', user.Programs), user.Active ? "true" : "false",
                    ]);
                }
                first = false;
            }
            if (json) await cli.Out.WriteLineAsync(first ? "]" : "\n]");
            return ExitCodes.Ok;
        }));
        return new Command("users", "Look at a district's users.") { list, Export(io) };
    }
}

internal static class CliJson
{
    // Names print as people write them (Zoë, O'Brien), not as \u00EB escapes: this JSON goes to a terminal or a file, never into HTML.
    public static JsonSerializerOptions Compact { get; } = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    public static JsonSerializerOptions Indented { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
