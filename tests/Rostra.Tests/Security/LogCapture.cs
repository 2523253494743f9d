using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Rostra.Tests.Security;

/// <summary>Every log entry an app writes from now on, with its level, category and exception, to assert on.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    /// <summary>Adds a capture to a running app's logging (the app's existing loggers pick it up).</summary>
    public static LogCapture Attach(IServiceProvider services)
    {
        var capture = new LogCapture();
        services.GetRequiredService<ILoggerFactory>().AddProvider(capture);
        return capture;
    }

    public IReadOnlyList<LogEntry> Entries => [.. entries];

    /// <summary>Warnings and worse, as readable lines for an assertion message.</summary>
    public IReadOnlyList<string> Problems(Func<LogEntry, bool>? where = null) =>
        [.. Entries.Where(e => e.Level >= LogLevel.Warning && (where?.Invoke(e) ?? true)).Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception?.GetType().Name}")];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception);

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), exception));
    }
}
