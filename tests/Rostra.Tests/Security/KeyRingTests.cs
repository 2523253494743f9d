using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rostra.KeyRing;
using Rostra.Storage;
using Rostra.Tests.Web;

namespace Rostra.Tests.Security;

/// <summary>The Data Protection key ring at rest: encrypted with a key that is not in the database, on every option.</summary>
public sealed class KeyRingTests
{
    [Fact]
    public async Task First_start_writes_a_key_file_beside_the_data_folder_that_only_its_owner_can_read_and_every_stored_key_is_encrypted()
    {
        await using var web = await WebApp.StartAsync();
        var district = await web.CreateDistrictAsync();
        using var client = await web.SignInAsync(district.Admin);

        var keyFile = web.Folder + ".key";
        Assert.True(File.Exists(keyFile), "No key file beside the data folder.");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
        var keys = await web.Store.GetDataProtectionKeysAsync(default);
        Assert.NotEmpty(keys);
        Assert.All(keys.Where(k => k.StartsWith("<key", StringComparison.Ordinal)), xml =>
        {
            Assert.Contains("rostraEncryptedKey", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("requiresEncryption", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_restart_with_the_same_key_file_keeps_people_signed_in_and_another_key_file_refuses_to_start()
    {
        var folder = Directory.CreateTempSubdirectory("rostra-web-").FullName;
        var first = await WebApp.StartAsync(folder: folder);
        var district = await first.CreateDistrictAsync();
        var (client, jar) = await Sessions.SignInAsync(first, district.Admin);
        var cookies = jar.GetCookieHeader(first.BaseAddress);
        client.Dispose();
        await first.StopAsync();

        await using (var second = await WebApp.StartAsync(folder: folder))
        {
            using var again = Sessions.WithCookies(second, cookies);
            using var schools = await again.GetAsync("/api/schools");
            Assert.Equal(HttpStatusCode.OK, schools.StatusCode);
            await second.StopAsync();

            var otherKey = Path.Combine(Path.GetTempPath(), $"rostra-other-{Guid.NewGuid():N}.key");
            try
            {
                var failure = await Assert.ThrowsAnyAsync<Exception>(() => WebApp.StartAsync(
                    settings => settings with { Args = [.. settings.Args, $"--Rostra:KeyFile={otherKey}"] }, folder));
                Assert.Contains("cannot be opened with this server's key-ring key", failure.ToString(), StringComparison.Ordinal);
                Assert.Contains("same key file", failure.ToString(), StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(otherKey);
            }
        }
    }

    [Fact]
    public async Task A_key_from_a_secret_manager_replaces_the_key_file()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var web = await WebApp.StartAsync(settings => settings with { Args = [.. settings.Args, $"--Rostra:KeyRingKey={key}"] });
        var district = await web.CreateDistrictAsync();
        using var client = await web.SignInAsync(district.Admin);

        using var schools = await client.GetAsync("/api/schools");

        Assert.Equal(HttpStatusCode.OK, schools.StatusCode);
        Assert.False(File.Exists(web.Folder + ".key"), "A key file was written although a key was given.");
        var secret = web.App.Services.GetRequiredService<KeyRingSecret>();
        Assert.Equal(KeyRingSecret.FromBase64(key).Id, secret.Id);
        Assert.All((await web.Store.GetDataProtectionKeysAsync(default)).Where(k => k.StartsWith("<key", StringComparison.Ordinal)),
            xml => Assert.Contains($"keyId=\"{secret.Id}\"", xml, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_certificate_protects_the_key_ring_for_production()
    {
        var folder = Directory.CreateTempSubdirectory("rostra-web-").FullName;
        var pfx = Path.Combine(folder, "keyring.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Rostra key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        }
        string[] args = [$"--Rostra:KeyRingCertificate={pfx}", "--Rostra:KeyRingCertificatePassword=pfx-password"];
        await using var web = await WebApp.StartAsync(settings => settings with { Args = [.. settings.Args, .. args] }, folder);
        var district = await web.CreateDistrictAsync();
        using var client = await web.SignInAsync(district.Admin);

        using var schools = await client.GetAsync("/api/schools");

        Assert.Equal(HttpStatusCode.OK, schools.StatusCode);
        Assert.False(File.Exists(folder + ".key"));
        Assert.All((await web.Store.GetDataProtectionKeysAsync(default)).Where(k => k.StartsWith("<key", StringComparison.Ordinal)), xml =>
        {
            Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Keys_an_earlier_version_stored_unencrypted_are_revoked_and_replaced_by_an_encrypted_one()
    {
        var folder = Directory.CreateTempSubdirectory("rostra-web-").FullName;
        Guid plainKey;
        await using (var store = StoreFactory.Open(Path.Combine(folder, "rostra.db")))
        {
            await store.MigrateAsync(default);
            // What earlier versions did: the key ring in the database with no encryptor.
            var services = new ServiceCollection();
            services.AddDataProtection().SetApplicationName("rostra");
            services.Configure<KeyManagementOptions>(keys => keys.XmlRepository = new DatabaseXmlRepository(store));
            await using var provider = services.BuildServiceProvider();
            provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("x").Protect("y");
            plainKey = Assert.Single(provider.GetRequiredService<IKeyManager>().GetAllKeys()).KeyId;
            Assert.Contains(await store.GetDataProtectionKeysAsync(default), xml => xml.Contains("requiresEncryption", StringComparison.Ordinal));
        }

        await using var web = await WebApp.StartAsync(folder: folder);
        var district = await web.CreateDistrictAsync();
        using var client = await web.SignInAsync(district.Admin);
        using var schools = await client.GetAsync("/api/schools");

        Assert.Equal(HttpStatusCode.OK, schools.StatusCode);
        var keys = web.App.Services.GetRequiredService<IKeyManager>().GetAllKeys();
        Assert.True(keys.Single(k => k.KeyId == plainKey).IsRevoked, "The key stored in the clear is still in use.");
        var current = keys.Where(k => !k.IsRevoked).ToList();
        Assert.NotEmpty(current);
        var stored = await web.Store.GetDataProtectionKeysAsync(default);
        Assert.All(current, key => Assert.Contains(stored, xml => xml.Contains(key.KeyId.ToString(), StringComparison.Ordinal) && xml.Contains("rostraEncryptedKey", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_key_file_that_does_not_hold_a_key_is_refused_with_what_to_do()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rostra-bad-{Guid.NewGuid():N}.key");
        File.WriteAllText(path, "not a key");
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => KeyRingSecret.LoadOrCreate(path));
            Assert.Contains("does not hold a key-ring key", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

}
