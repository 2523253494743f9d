using System.Net;
using System.Text.RegularExpressions;
using Rostra.Tests.Cli;
using Rostra.Tests.Web;

namespace Rostra.Tests.Security;

/// <summary>
/// Lockout counted atomically in the database, rates per client address and per username, the same answer for a
/// username that does not exist, and the operator's way back in.
/// </summary>
public sealed partial class SignInThrottleTests
{
    private static Task<WebApp> StartAsync(params string[] args) =>
        WebApp.StartAsync(settings => settings with { Args = [.. settings.Args, .. args] });

    [Fact]
    public async Task Twenty_concurrent_wrong_passwords_are_every_one_counted()
    {
        await using var web = await StartAsync("--Rostra:LockoutFailures=1000", "--Rostra:SignInsPerAccountPerMinute=1000");
        var district = await web.CreateDistrictAsync();
        var attempts = await PrepareAsync(web, Enumerable.Repeat((district.Admin, "wrong-password"), 20));

        var answers = await Task.WhenAll(attempts.Select(a => a.SendAsync()));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        // The next failure is the 21st: none of the 20 was lost.
        var next = await web.Store.RecordSignInFailureAsync(district.Admin, 1000, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(15), default);
        Assert.Equal(21, next.Count);
    }

    [Fact]
    public async Task Concurrent_wrong_passwords_lock_at_the_fifth_and_a_right_password_amid_more_of_them_is_refused()
    {
        await using var web = await StartAsync("--Rostra:SignInsPerAccountPerMinute=1000");
        var district = await web.CreateDistrictAsync();
        var first = await PrepareAsync(web, Enumerable.Repeat((district.Admin, "wrong-password"), 10));
        var firstAnswers = await Task.WhenAll(first.Select(a => a.SendAsync()));
        Assert.Equal(4, firstAnswers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal(6, firstAnswers.Count(a => a.Status == HttpStatusCode.TooManyRequests));

        var mixed = await PrepareAsync(web, [.. Enumerable.Repeat((district.Admin, "wrong-password"), 5), (district.Admin, WebApp.Password), .. Enumerable.Repeat((district.Admin, "wrong-password"), 5)]);
        var answers = await Task.WhenAll(mixed.Select(a => a.SendAsync()));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.Status));
        Assert.All(answers, a => Assert.False(a.SignedIn));
    }

    [Fact]
    public async Task A_username_that_does_not_exist_gets_exactly_the_answers_a_real_one_gets()
    {
        await using var web = await StartAsync();
        var district = await web.CreateDistrictAsync();
        var nobody = "nobody." + district.Suffix;

        var real = await SequenceAsync(web, district.Admin, 7);
        var ghost = await SequenceAsync(web, nobody, 7);

        Assert.Equal(real.Select(a => a.Status), ghost.Select(a => a.Status));
        Assert.Equal(real.Select(a => a.Problem), ghost.Select(a => a.Problem));
        Assert.Equal(real.Select(a => a.RetryAfter is not null), ghost.Select(a => a.RetryAfter is not null));
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 4), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], real.Select(a => a.Status));
        Assert.All(real.Skip(4), a => Assert.InRange(int.Parse(a.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture), 14 * 60, 15 * 60));
    }

    [Fact]
    public async Task Each_username_has_a_rate_whatever_the_outcome_and_whether_it_exists_or_not()
    {
        await using var web = await StartAsync("--Rostra:SignInsPerAccountPerMinute=3", "--Rostra:LockoutFailures=1000");
        var district = await web.CreateDistrictAsync();

        var real = await SequenceAsync(web, district.Admin, 4);
        var ghost = await SequenceAsync(web, "nobody." + district.Suffix, 4);
        var other = await SequenceAsync(web, district.Teacher, 1);

        foreach (var answers in new[] { real, ghost })
        {
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers.Select(a => a.Status));
            Assert.NotNull(answers[3].RetryAfter);
            Assert.StartsWith("Too many sign-in attempts for this username", answers[3].Problem, StringComparison.Ordinal);
        }
        Assert.Equal(real[3].Problem, ghost[3].Problem);
        Assert.Equal(HttpStatusCode.OK, other.Single().Status);
    }

    [Fact]
    public async Task One_client_address_gets_a_429_with_retry_after_past_its_rate_before_any_username_is_read()
    {
        await using var web = await WebApp.StartAsync(settings => settings with { Args = ["--Rostra:SignInsPerAddressPerMinute=3"] });
        var district = await web.CreateDistrictAsync();
        var attempts = await PrepareAsync(web, Enumerable.Range(0, 5).Select(i => ($"user{i}.{district.Suffix}", "wrong-password")));

        var answers = new List<Answer>();
        foreach (var attempt in attempts)
        {
            answers.Add(await attempt.SendAsync());
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers.Select(a => a.Status));
        Assert.All(answers.Skip(3), a => Assert.InRange(int.Parse(a.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture), 1, 60));
        Assert.All(answers.Skip(3), a => Assert.Contains("Too many sign-in attempts", a.Html, StringComparison.Ordinal));
        using var client = web.Client();
        using var page = await client.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task An_operator_unlocks_a_locked_out_admin_from_the_command_line()
    {
        await using var web = await StartAsync();
        var district = await web.CreateDistrictAsync();
        await SequenceAsync(web, district.Admin, 5);
        using (var client = web.Client())
        {
            using var locked = await WebApp.PostLoginAsync(client, district.Admin, WebApp.Password);
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        }

        var unlock = await RostraProcess.RunAsync(web.Folder, new Dictionary<string, string?>(), null, "--db", Path.Combine(web.Folder, "rostra.db"), "admin", "unlock", district.Admin);

        Assert.True(unlock.ExitCode == 0, unlock.ToString());
        Assert.Contains($"{district.Admin} can sign in again.", unlock.Stdout, StringComparison.Ordinal);
        var (signedIn, _) = await Sessions.SignInAsync(web, district.Admin);
        signedIn.Dispose();
    }

    private sealed record Answer(HttpStatusCode Status, string? RetryAfter, string? Problem, bool SignedIn, string Html);

    /// <summary>One sign-in, its client holding the form's antiforgery token already, ready to send at once.</summary>
    private sealed record Attempt(HttpClient Client, FormUrlEncodedContent Form)
    {
        public async Task<Answer> SendAsync()
        {
            using var response = await Client.PostAsync("/login", Form);
            var html = await response.Content.ReadAsStringAsync();
            var problem = ProblemPattern().Match(html);
            return new Answer(
                response.StatusCode,
                response.Headers.TryGetValues("Retry-After", out var retry) ? retry.Single() : null,
                problem.Success ? WebUtility.HtmlDecode(problem.Groups[1].Value) : null,
                response.StatusCode == HttpStatusCode.Redirect,
                html);
        }
    }

    private static async Task<List<Attempt>> PrepareAsync(WebApp web, IEnumerable<(string Username, string Password)> tries)
    {
        var attempts = new List<Attempt>();
        foreach (var (username, password) in tries)
        {
            var client = web.Client();
            var token = await WebApp.AntiforgeryTokenAsync(client, "/login");
            attempts.Add(new Attempt(client, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Username"] = username,
                ["Password"] = password,
                ["__RequestVerificationToken"] = token,
            })));
        }
        return attempts;
    }

    /// <summary>Wrong passwords one after another.</summary>
    private static async Task<List<Answer>> SequenceAsync(WebApp web, string username, int count)
    {
        var answers = new List<Answer>();
        foreach (var attempt in await PrepareAsync(web, Enumerable.Repeat((username, "wrong-password"), count)))
        {
            answers.Add(await attempt.SendAsync());
        }
        return answers;
    }

    [GeneratedRegex("<div class=\"alert alert-error\" role=\"alert\" id=\"login-problem\">([^<]*)</div>")]
    private static partial Regex ProblemPattern();
}
