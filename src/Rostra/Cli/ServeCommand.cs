using System.CommandLine;

namespace Rostra.Cli;

/// <summary><c>rostra serve</c>: the web app.</summary>
internal static class ServeCommand
{
    public static Command Create(CliIo io)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var seed = new Option<bool>("--seed-demo") { Description = "Create the demo districts, schools and admins once, and print how to sign in." };
        var command = new Command("serve", "Run the web app.") { urls, seed };
        command.SetAction(async (parse, ct) =>
        {
            await io.Error.WriteLineAsync("The web app is not part of this build yet.");
            return ExitCodes.Failure;
        });
        return command;
    }
}
