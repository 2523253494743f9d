using System.CommandLine;
using Rostra.Web;

namespace Rostra.Cli;

/// <summary><c>rostra serve</c>: the web app, with this node's share of the import work.</summary>
internal static class ServeCommand
{
    public static Command Create(CliIo io)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var seed = new Option<bool>("--seed-demo") { Description = "Create the demo districts, schools and admins once, and print how to sign in." };
        var command = new Command("serve", "Run the web app.") { urls, seed };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new WebSettings(CliContext.Connection(parse), parse.GetValue(urls)!, parse.GetValue(seed))
            {
                Output = io.Out,
            };
            await using var app = RostraWeb.Build(settings);
            await app.RunAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}
