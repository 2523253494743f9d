using System.CommandLine;
using Rostra.Web;

namespace Rostra.Cli;

/// <summary><c>rostra serve</c>: the web app on Kestrel, on the same store and pipeline as the command line.</summary>
internal static class ServeCommand
{
    public static Command Create(CliIo io)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var seed = new Option<bool>("--seed-demo") { Description = "Create the demo districts, schools and admins once, and print how to sign in." };
        var command = new Command("serve", "Run the web app.") { urls, seed };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var app = RostraWeb.Build(new WebSettings(CliContext.Connection(parse), parse.GetValue(urls)!, parse.GetValue(seed)));
                await app.RunAsync(ct);
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await io.Error.WriteLineAsync($"rostra: the web app could not start: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
