using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Rostra.Storage;

namespace Rostra.KeyRing;

/// <summary>
/// Data Protection on the key ring in the database, the same way in every process (a server node or <c>rostra import</c>):
/// a password staged by one process is hashed by another, and a sign-in cookie of one node is read by the next.
/// </summary>
public static class KeyRingSetup
{
    /// <summary>Adds Data Protection whose keys live in the <see cref="IKeyRingStore"/> the container gives.</summary>
    public static IDataProtectionBuilder AddRostraKeyRing(this IServiceCollection services)
    {
        var builder = services.AddDataProtection().SetApplicationName("rostra");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
            new ConfigureOptions<KeyManagementOptions>(keys => keys.XmlRepository = new DatabaseXmlRepository(provider.GetRequiredService<IKeyRingStore>())));
        return builder;
    }
}
