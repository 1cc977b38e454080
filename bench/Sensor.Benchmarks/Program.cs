using BenchmarkDotNet.Running;
using Sensor.Benchmarks;

// dotnet run -c Release --project bench/Sensor.Benchmarks -- --filter '*'      BenchmarkDotNet suite
// dotnet run -c Release --project bench/Sensor.Benchmarks -- stages FILE      where a whole run's time goes
// dotnet run -c Release --project bench/Sensor.Benchmarks -- transcripts      the real sessions the parser benchmarks use
// dotnet run -c Release --project bench/Sensor.Benchmarks -- live FILE        the live engine's rate (1 and 2 workers) beside the replay pipeline
// dotnet run -c Release --project bench/Sensor.Benchmarks -- fragflood [N...] memory under a flood of N first fragments (default cap)
if (args.Length > 0 && args[0] == "live")
    return LiveEngineRun.Run(args[1..]);
if (args.Length > 0 && args[0] == "fragflood")
    return FragmentFlood.Run(args[1..]);
if (args.Length > 0 && args[0] == "stages")
    return StageSplit.Run(args[1..]);
if (args.Length > 0 && args[0] == "transcripts")
{
    foreach (var g in Transcripts.Everything.GroupBy(t => t.Protocol))
        Console.WriteLine($"{g.Key}: {g.Count()} sessions, {g.Sum(t => t.Bytes):N0} bytes, {g.Sum(t => t.Chunks.Count):N0} chunks");
    Console.WriteLine($"smtp-pipelining-large.pcap: {Transcripts.BytesOf("smtp-pipelining-large.pcap"):N0} bytes");
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
