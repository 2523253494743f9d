using System.CommandLine;
using System.Globalization;
using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Imports;
using Rostra.Storage;
using CorePasswords = Rostra.Core.Passwords;

namespace Rostra.Cli;

/// <summary>Setting a district up: <c>district add</c>, <c>program add</c>, <c>school add</c>, <c>admin add|unlock</c>, <c>token add|list|revoke</c>.</summary>
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
                string.IsNullOrEmpty(mail) ? null : mail, [Roles.DistrictAdmin], null, [], [], new Secret.Hash(hasher.Hash(password))), ct);
            await cli.Out.WriteLineAsync($"Added district admin {name} to {d.Id}.");
            return ExitCodes.Ok;
        }));
        var unlockName = new Argument<string>("USERNAME") { Description = "The username to let sign in again." };
        var unlock = new Command("unlock", "Lift a sign-in lock (after too many failed sign-ins) at once, e.g. for an admin locked out by someone else's tries.") { unlockName };
        unlock.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var name = parse.GetValue(unlockName)!.Trim();
            var lifted = await cli.Store.UnlockSignInAsync(name, ct);
            await cli.Out.WriteLineAsync(lifted ? $"{name} can sign in again." : $"{name} was not locked.");
            return ExitCodes.Ok;
        }));
        return new Command("admin", "Manage district admins.") { add, unlock };
    }

    public static Command Token(CliIo io)
    {
        var user = new Option<string>("--user") { Description = "The district admin the token acts as.", Required = true };
        var name = new Option<string?>("--name") { Description = "What uses the token, e.g. \"nightly SIS export\" (shown by 'token list')." };
        var add = new Command("add", "Create an API token for a district admin; it is printed once and only its hash is kept.") { user, name };
        add.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var account = await TokenOwnerAsync(cli, parse.GetValue(user)!, ct);
            var tokenName = ApiTokens.CleanName(parse.GetValue(name) ?? "command line", out var problem) ?? throw new UsageException(problem!);
            var (token, hash) = ApiTokens.Create();
            await cli.Store.AddTokenAsync(account.Id, hash, tokenName, ct);
            await cli.Out.WriteLineAsync(token);
            return ExitCodes.Ok;
        }));

        var listUser = new Option<string>("--user") { Description = "The district admin whose tokens to list.", Required = true };
        var list = new Command("list", "List a district admin's API tokens: id, name, created, last used (never the tokens themselves).") { listUser };
        list.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var account = await cli.Store.FindUserAsync(parse.GetValue(listUser)!, ct)
                ?? throw new UsageException($"There is no user '{parse.GetValue(listUser)}'.");
            var tokens = await cli.Store.ListTokensAsync(account.Id, ct);
            if (tokens.Count == 0)
            {
                await cli.Out.WriteLineAsync($"{account.Username} has no API tokens.");
                return ExitCodes.Ok;
            }
            await cli.Out.WriteLineAsync("ID                NAME                             CREATED (UTC)     LAST USED (UTC)");
            foreach (var token in tokens)
            {
                await cli.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{token.Id,-17} {Shorten(token.Name.Length == 0 ? "(no name)" : token.Name, 32),-32} {token.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}  {(token.LastUsedAt is { } used ? used.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never")}"));
            }
            return ExitCodes.Ok;
        }));

        var id = new Argument<string>("ID") { Description = "The token's id, as 'token list' shows it." };
        var revokeUser = new Option<string>("--user") { Description = "The district admin the token belongs to.", Required = true };
        var revoke = new Command("revoke", "Revoke an API token: requests with it get 401 from then on.") { id, revokeUser };
        revoke.SetAction((parse, ct) => RostraCli.WithStoreAsync(io, parse, ct, async cli =>
        {
            var account = await cli.Store.FindUserAsync(parse.GetValue(revokeUser)!, ct)
                ?? throw new UsageException($"There is no user '{parse.GetValue(revokeUser)}'.");
            if (!await cli.Store.RevokeTokenAsync(account.Id, parse.GetValue(id)!, ct))
                throw new UsageException($"{account.Username} has no token '{parse.GetValue(id)}'. See 'rostra token list --user {account.Username}'.");
            await cli.Out.WriteLineAsync($"Revoked token {parse.GetValue(id)!.Trim().ToLowerInvariant()} of {account.Username}.");
            return ExitCodes.Ok;
        }));
        return new Command("token", "Manage API tokens of district admins.") { add, list, revoke };
    }

    private static async Task<UserAccount> TokenOwnerAsync(CliContext cli, string username, CancellationToken ct)
    {
        var account = await cli.Store.FindUserAsync(username, ct) ?? throw new UsageException($"There is no user '{username}'.");
        return ApiTokens.Refusal(account) is { } refusal ? throw new UsageException(refusal) : account;
    }

    private static string Shorten(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static string Slug(string value, string what)
    {
        var slug = value.Trim();
        if (slug.Length is 0 or > 64 || !slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            throw new UsageException($"'{value}' is not a valid {what}: use lowercase letters, digits and dashes, e.g. lincoln-usd.");
        return slug;
    }
}
