using System.CommandLine;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Imports;
using Rostra.Storage;
using CorePasswords = Rostra.Core.Passwords;

namespace Rostra.Cli;

/// <summary>Setting a district up: <c>district add</c>, <c>program add</c>, <c>school add</c>, <c>admin add</c>, <c>token add</c>.</summary>
internal static class SetupCommands
{
    public static Command District(CliIo io)
    {
        var id = new Argument<string>("ID") { Description = "The district id, a slug such as lincoln-usd." };
        var name = new Option<string>("--name") { Description = "The district's name.", Required = true };
        var sso = new Option<string>("--sso") { Description = "Single sign-on: none or google.", DefaultValueFactory = _ => Sso.None };
        sso.AcceptOnlyFromAmong([.. Sso.All]);
        var roster = new Option<string>("--roster-sync") { Description = "Roster sync: none, clever, classlink or oneroster.", DefaultValueFactory = _ => RosterSync.None };
        roster.AcceptOnlyFromAmong([.. RosterSync.All]);
        var add = new Command("add", "Add a district.") { id, name, sso, roster };
        add.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var slug = Slug(parse.GetValue(id)!, "district id");
            await cli.Store.AddDistrictAsync(new District(slug, parse.GetValue(name)!, parse.GetValue(roster)!, parse.GetValue(sso)!), ct);
            await cli.Out.WriteLineAsync($"Added district {slug}.");
            return ExitCodes.Ok;
        }));
        return new Command("district", "Manage districts.") { add };
    }

    public static Command Program(CliIo io)
    {
        var id = new Argument<string>("ID") { Description = "The program id, a slug such as reading." };
        var district = new Option<string>("--district") { Description = "The district id.", Required = true };
        var name = new Option<string>("--name") { Description = "The program's name.", Required = true };
        var add = new Command("add", "Add a program a district licenses.") { id, district, name };
        add.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var d = await cli.DistrictAsync(parse.GetValue(district)!, ct);
            var slug = Slug(parse.GetValue(id)!, "program id");
            await cli.Store.AddProgramAsync(new DistrictProgram(d.Id, slug, parse.GetValue(name)!), ct);
            await cli.Out.WriteLineAsync($"Added program {slug} to {d.Id}.");
            return ExitCodes.Ok;
        }));
        return new Command("program", "Manage programs.") { add };
    }

    public static Command School(CliIo io)
    {
        var id = new Argument<string>("SCHOOL_ID") { Description = "The School ID, e.g. 1001, 00417 or LHS; unique across the platform." };
        var district = new Option<string>("--district") { Description = "The district id.", Required = true };
        var name = new Option<string>("--name") { Description = "The school's name.", Required = true };
        var grades = new Option<string>("--grades") { Description = "Grades offered, e.g. K-5, PK,TK,K-2 or 9-12.", Required = true };
        var add = new Command("add", "Add a school to a district.") { id, district, name, grades };
        add.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var d = await cli.DistrictAsync(parse.GetValue(district)!, ct);
            var schoolId = parse.GetValue(id)!.Trim();
            if (schoolId.Length is 0 or > 32 || !schoolId.All(char.IsAsciiLetterOrDigit))
                throw new UsageException($"'{schoolId}' is not a School ID: use 1 to 32 letters or digits.");
            if (!GradeSet.TryParse(parse.GetValue(grades), out var set))
                throw new UsageException($"'{parse.GetValue(grades)}' is not a list of grades. Use grades PK, TK, K, 1-13 and ranges, e.g. K-5 or PK,TK,K-2.");
            await cli.Store.AddSchoolAsync(new School(schoolId, d.Id, parse.GetValue(name)!, set), ct);
            await cli.Out.WriteLineAsync($"Added school {schoolId} ({set}) to {d.Id}.");
            return ExitCodes.Ok;
        }));
        return new Command("school", "Manage schools.") { add };
    }

    public static Command Admin(CliIo io)
    {
        var username = new Argument<string>("USERNAME") { Description = "The district admin's username." };
        var district = new Option<string>("--district") { Description = "The district id.", Required = true };
        var email = new Option<string?>("--email") { Description = "Email address." };
        var first = new Option<string?>("--first-name") { Description = "First name." };
        var last = new Option<string?>("--last-name") { Description = "Last name." };
        var add = new Command("add", "Add a district admin. The password comes from ROSTRA_PASSWORD or the first line of standard input.")
        {
            username, district, email, first, last,
        };
        add.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var d = await cli.DistrictAsync(parse.GetValue(district)!, ct);
            var name = parse.GetValue(username)!.Trim();
            if (!RowChecker.IsValidUsername(name))
                throw new UsageException("A username must be 3 to 64 characters long and use only letters, digits, and . _ - @.");
            var mail = parse.GetValue(email)?.Trim();
            if (!string.IsNullOrEmpty(mail) && !RowChecker.IsValidEmail(mail))
                throw new UsageException($"'{mail}' is not a valid email address.");
            var password = Environment.GetEnvironmentVariable("ROSTRA_PASSWORD");
            if (string.IsNullOrEmpty(password)) password = await cli.In.ReadLineAsync(ct);
            if (string.IsNullOrEmpty(password))
                throw new UsageException("Give the admin's password in ROSTRA_PASSWORD or on standard input (never as an argument).");
            var lacking = RowChecker.Lacking(password);
            if (password.Length < 12 || lacking.Count > 0)
                throw new UsageException("The password must be at least 12 characters long with an uppercase letter, a lowercase letter, a digit and a special character.");
            var hasher = new CorePasswords.PasswordHasher(RostraSettings.HashOptions());
            await cli.Store.AddUserAsync(new NewUser(
                d.Id, name, parse.GetValue(first)?.Trim() is { Length: > 0 } f ? f : name, parse.GetValue(last)?.Trim() is { Length: > 0 } l ? l : null,
                string.IsNullOrEmpty(mail) ? null : mail, [Roles.DistrictAdmin], null, [], [], hasher.Hash(password)), ct);
            await cli.Out.WriteLineAsync($"Added district admin {name} to {d.Id}.");
            return ExitCodes.Ok;
        }));
        return new Command("admin", "Manage district admins.") { add };
    }

    public static Command Token(CliIo io)
    {
        var user = new Option<string>("--user") { Description = "The username the token acts as.", Required = true };
        var add = new Command("add", "Create an API token; it is printed once and only its hash is kept.") { user };
        add.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var account = await cli.Store.FindUserAsync(parse.GetValue(user)!, ct)
                ?? throw new UsageException($"There is no user '{parse.GetValue(user)}'.");
            var (token, hash) = ApiTokens.Create();
            await cli.Store.AddTokenAsync(account.Id, hash, ct);
            await cli.Out.WriteLineAsync(token);
            return ExitCodes.Ok;
        }));
        return new Command("token", "Manage API tokens.") { add };
    }

    private static string Slug(string value, string what)
    {
        var slug = value.Trim();
        if (slug.Length is 0 or > 64 || !slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            throw new UsageException($"'{value}' is not a valid {what}: use lowercase letters, digits and dashes, e.g. lincoln-usd.");
        return slug;
    }
}
