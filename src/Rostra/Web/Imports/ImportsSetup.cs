namespace Rostra.Web.Imports;

internal static class ImportsSetup
{
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddSingleton<ImportJobs>();
        services.AddSingleton<UploadFiles>();
        services.AddSingleton<ImportService>();
        services.AddSingleton<ImportWorker>();
        services.AddHostedService(services => services.GetRequiredService<ImportWorker>());
        return services;
    }
}
