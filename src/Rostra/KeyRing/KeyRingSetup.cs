using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rostra.Storage;

namespace Rostra.KeyRing;

/// <summary>
/// ASP.NET Core Data Protection for Rostra: the key ring lives in the database, shared by every node (a cookie issued
/// by one node is read by another, a password staged on one node is hashed on another), and every key in it is
/// encrypted with a key that is not in the database (<see cref="KeyRingSettings"/>).
/// </summary>
public static class KeyRingSetup
{
    public static IServiceCollection AddRostraKeyRing(this IServiceCollection services, KeyRingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Before Data Protection's own start-up work, so the ring it first loads and caches is already checked.
        services.AddHostedService<KeyRingCheck>();
        var builder = services.AddDataProtection().SetApplicationName("rostra");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
            new ConfigureOptions<KeyManagementOptions>(keys => keys.XmlRepository = new DatabaseXmlRepository(provider.GetRequiredService<IKeyRingStore>())));
        if (!string.IsNullOrWhiteSpace(settings.Certificate))
        {
            builder.ProtectKeysWithCertificate(LoadCertificate(settings.Certificate, settings.CertificatePassword));
        }
        else
        {
            var secret = string.IsNullOrWhiteSpace(settings.Key) ? KeyRingSecret.LoadOrCreate(settings.KeyFile) : KeyRingSecret.FromBase64(settings.Key);
            services.AddSingleton(secret);
            services.Configure<KeyManagementOptions>(keys => keys.XmlEncryptor = new KeyRingXmlEncryptor(secret));
        }
        return services;
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException($"The key-ring certificate {path} has no private key; export it with its private key (PKCS#12, .pfx).");
            }
            return certificate;
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"The key-ring certificate {path} could not be read ({e.Message}). Check the file and ROSTRA_KEYRINGCERTIFICATEPASSWORD.", e);
        }
    }
}
