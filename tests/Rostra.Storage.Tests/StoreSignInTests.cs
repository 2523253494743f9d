namespace Rostra.Storage.Tests;

/// <summary>Failed sign-ins counted atomically by username, security stamps, API tokens listed and revoked.</summary>
public abstract partial class StoreTests
{
    protected static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task Every_concurrent_sign_in_failure_is_counted_and_the_fifth_locks()
    {
        var lockUntil = Now.AddMinutes(15);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(() => Store.RecordSignInFailureAsync("Admin.One", 5, Now, lockUntil, Ct))));

        Assert.Equal(Enumerable.Range(1, 20), results.Select(r => r.Count).Order());
        Assert.All(results.Where(r => r.Count >= 5), r => Assert.Equal(lockUntil, r.LockedUntil));
        Assert.All(results.Where(r => r.Count < 5), r => Assert.Null(r.LockedUntil));
        Assert.Equal(lockUntil, await Store.GetSignInLockAsync("admin.one", Now, Ct));
        Assert.Null(await Store.GetSignInLockAsync("admin.one", lockUntil, Ct));
    }

    [Fact]
    public async Task Failures_of_a_username_that_does_not_exist_lock_it_the_same_way()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.Null((await Store.RecordSignInFailureAsync("nobody", 5, Now, Now.AddMinutes(15), Ct)).LockedUntil);
        }

        var fifth = await Store.RecordSignInFailureAsync("NOBODY", 5, Now, Now.AddMinutes(15), Ct);

        Assert.Equal(new SignInFailures(5, Now.AddMinutes(15)), fifth);
        Assert.Null(await Store.GetSignInLockAsync("somebody-else", Now, Ct));
    }

    [Fact]
    public async Task A_right_password_clears_the_failures_unless_the_username_is_locked()
    {
        await Store.RecordSignInFailureAsync("ana", 5, Now, Now.AddMinutes(15), Ct);
        Assert.True(await Store.ClearSignInFailuresAsync("ana", Now, Ct));
        Assert.Equal(1, (await Store.RecordSignInFailureAsync("ana", 5, Now, Now.AddMinutes(15), Ct)).Count);

        for (var i = 0; i < 4; i++) await Store.RecordSignInFailureAsync("ana", 5, Now, Now.AddMinutes(15), Ct);

        Assert.False(await Store.ClearSignInFailuresAsync("ana", Now.AddMinutes(1), Ct));
        Assert.Equal(Now.AddMinutes(15), await Store.GetSignInLockAsync("ana", Now.AddMinutes(1), Ct));
        Assert.True(await Store.ClearSignInFailuresAsync("ana", Now.AddMinutes(16), Ct));
        Assert.True(await Store.ClearSignInFailuresAsync("never-failed", Now, Ct));
    }

    [Fact]
    public async Task Unlocking_lifts_the_lock_at_once()
    {
        for (var i = 0; i < 5; i++) await Store.RecordSignInFailureAsync("ana", 5, Now, Now.AddMinutes(15), Ct);

        Assert.True(await Store.UnlockSignInAsync("ANA", Ct));

        Assert.Null(await Store.GetSignInLockAsync("ana", Now, Ct));
        Assert.False(await Store.UnlockSignInAsync("ana", Ct));
        Assert.Equal(1, (await Store.RecordSignInFailureAsync("ana", 5, Now, Now.AddMinutes(15), Ct)).Count);
    }

    [Fact]
    public async Task Failures_that_stopped_coming_are_forgotten_unless_locked_whether_or_not_the_username_exists()
    {
        await SeedDistrictAsync();
        await Store.AddUserAsync(Student("ana", 2), Ct);
        var old = Now.AddMinutes(-20);
        await Store.RecordSignInFailureAsync("ana", 5, old, old.AddMinutes(15), Ct);
        await Store.RecordSignInFailureAsync("made.up", 5, old, old.AddMinutes(15), Ct);
        await Store.RecordSignInFailureAsync("recent.fake", 5, Now.AddMinutes(-1), Now.AddMinutes(14), Ct);
        for (var i = 0; i < 5; i++) await Store.RecordSignInFailureAsync("locked.fake", 5, old, Now.AddMinutes(10), Ct);

        var forgotten = await Store.ForgetSignInFailuresAsync(Now.AddMinutes(-15), 1000, Now, Ct);

        Assert.Equal(2, forgotten);
        Assert.Equal(1, (await Store.RecordSignInFailureAsync("ana", 5, Now, Now.AddMinutes(15), Ct)).Count);
        Assert.Equal(1, (await Store.RecordSignInFailureAsync("made.up", 5, Now, Now.AddMinutes(15), Ct)).Count);
        Assert.Equal(2, (await Store.RecordSignInFailureAsync("recent.fake", 5, Now, Now.AddMinutes(15), Ct)).Count);
        Assert.Equal(Now.AddMinutes(10), await Store.GetSignInLockAsync("locked.fake", Now, Ct));
    }

    [Fact]
    public async Task A_flood_of_made_up_usernames_is_bounded_and_never_costs_a_real_users_lock()
    {
        await SeedDistrictAsync();
        await Store.AddUserAsync(Student("ana", 2), Ct);
        for (var i = 0; i < 5; i++) await Store.RecordSignInFailureAsync("ana", 5, Now.AddMinutes(-1), Now.AddMinutes(14), Ct);
        for (var i = 0; i < 300; i++)
        {
            await Store.RecordSignInFailureAsync($"fake{i:D4}", 5, Now.AddSeconds(-300 + i), Now.AddMinutes(15), Ct);
        }

        var forgotten = await Store.ForgetSignInFailuresAsync(Now.AddMinutes(-15), 100, Now, Ct);

        Assert.Equal(200, forgotten);
        // The 100 that failed last are kept (their count goes on); the older 200 start again from none.
        Assert.Equal(2, (await Store.RecordSignInFailureAsync("fake0299", 5, Now, Now.AddMinutes(15), Ct)).Count);
        Assert.Equal(2, (await Store.RecordSignInFailureAsync("fake0200", 5, Now, Now.AddMinutes(15), Ct)).Count);
        Assert.Equal(1, (await Store.RecordSignInFailureAsync("fake0199", 5, Now, Now.AddMinutes(15), Ct)).Count);
        Assert.Equal(Now.AddMinutes(14), await Store.GetSignInLockAsync("ana", Now, Ct));
        Assert.Equal(0, await Store.ForgetSignInFailuresAsync(Now.AddMinutes(-15), 102, Now, Ct));
    }

    [Fact]
    public async Task A_new_security_stamp_differs_from_the_old_one()
    {
        await SeedDistrictAsync();
        var id = await Store.AddUserAsync(Student("ana", 2), Ct);
        var before = (await Store.GetUserAsync(id, Ct))!.SecurityStamp;

        await Store.ChangeSecurityStampAsync(id, Ct);
        var after = (await Store.GetUserAsync(id, Ct))!.SecurityStamp;
        await Store.ChangeSecurityStampAsync(id, Ct);

        Assert.NotEqual(before, after);
        Assert.NotEqual(after, (await Store.GetUserAsync(id, Ct))!.SecurityStamp);
        Assert.Equal((await Store.FindUserAsync("ana", Ct))!.SecurityStamp, (await Store.GetUserAsync(id, Ct))!.SecurityStamp);
    }

    [Fact]
    public async Task Tokens_are_listed_by_public_id_and_revoked_only_by_their_owner()
    {
        await SeedDistrictAsync();
        var ana = await Store.AddUserAsync(Student("ana", 2), Ct);
        var bob = await Store.AddUserAsync(Student("bob", 3), Ct);
        var (_, first) = ApiTokenHash(1);
        var (_, second) = ApiTokenHash(2);
        var firstId = await Store.AddTokenAsync(ana, first, "  nightly sync ", Ct);
        var secondId = await Store.AddTokenAsync(ana, second, "laptop", Ct);

        var tokens = await Store.ListTokensAsync(ana, Ct);

        Assert.Equal(new[] { firstId, secondId }.Order(StringComparer.Ordinal), tokens.Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["laptop", "nightly sync"], tokens.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(tokens, t => Assert.Equal(16, t.Id.Length));
        Assert.All(tokens, t => Assert.Null(t.LastUsedAt));
        Assert.Empty(await Store.ListTokensAsync(bob, Ct));

        Assert.False(await Store.RevokeTokenAsync(bob, firstId, Ct));
        Assert.NotNull(await Store.FindUserByTokenAsync(first, Ct));
        Assert.True(await Store.RevokeTokenAsync(ana, firstId.ToUpperInvariant(), Ct));
        Assert.Null(await Store.FindUserByTokenAsync(first, Ct));
        Assert.False(await Store.RevokeTokenAsync(ana, firstId, Ct));

        Assert.Equal(ana, (await Store.FindUserByTokenAsync(second, Ct))!.Id);
        var used = Assert.Single(await Store.ListTokensAsync(ana, Ct));
        Assert.Equal(secondId, used.Id);
        Assert.NotNull(used.LastUsedAt);
    }

    private static (string Token, byte[] Hash) ApiTokenHash(int seed)
    {
        var token = $"token-{seed}-{Guid.NewGuid():N}";
        return (token, System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
    }
}
