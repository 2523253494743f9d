namespace Rostra.Web.Imports;

internal static class ImportsSetup
{
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddSingleton<UploadQueue>();
        services.AddSingleton<UploadFiles>();
        services.AddSingleton<ImportApi>();
        services.AddSingleton<ImportBackgroundService>();
        services.AddHostedService(services => services.GetRequiredService<ImportBackgroundService>());
        return services;
    }
}
