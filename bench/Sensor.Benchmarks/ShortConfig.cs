using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Sensor.Benchmarks;

/// <summary>Few iterations (the whole suite runs in a few minutes), plus MB/s and ns per packet columns.</summary>
public sealed class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(8).WithLaunchCount(1).WithId("Short"));
        AddColumn(new ThroughputColumn());
    }
}

/// <summary>
/// MB/s (10^6 bytes per second): for parser benchmarks the transcript bytes fed per operation; for
/// per-packet benchmarks the frame payload bytes per packet (data segments 1448 bytes, ACKs 0).
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => "MBps";
    public string ColumnName => "MB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Payload megabytes (10^6) processed per second";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats)
            return "-";
        double bytes = BytesPerOperation(benchmarkCase);
        return bytes <= 0 ? "-" : (bytes / (stats.Mean * 1e-9) / 1e6).ToString("F1");
    }

    private static double BytesPerOperation(BenchmarkCase c)
    {
        var type = c.Descriptor.Type;
        if (type == typeof(ParserBenchmarks) && c.Descriptor.WorkloadMethod.Name == "Parse")
            return Transcripts.BytesOf((string)c.Parameters["Transcript"]);
        // Per packet (OperationsPerInvoke): 2 of every 3 frames carry 1448 bytes.
        if (type == typeof(ReassemblyBenchmarks) || type == typeof(DecoderBenchmarks))
            return 1448.0 * 2 / 3;
        return 0;
    }
}
