using Rostra.Cli;

return await RostraCli.RunAsync(args, CliIo.FromConsole());
