using Rostra.Fuzz;
using SharpFuzz;

// Under AFL++ (scripts/fuzz.sh): each input is one upload. `rostra-fuzz FILE…` replays files, e.g. a finding.
if (args.Length > 0)
{
    foreach (var path in args)
    {
        FuzzTarget.Run(File.ReadAllBytes(path));
        Console.WriteLine($"ok {path}");
    }
    return;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    FuzzTarget.Run(copy.ToArray());
});
