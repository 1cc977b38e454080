using BenchmarkDotNet.Attributes;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Storage;

namespace Sensor.Benchmarks;

/// <summary>
/// The query verbs' filters over a store of 65,000 findings: 30 days of them from 13 runs, 400 servers,
/// 5,000 users, the kinds in the proportions a busy span port gives (credentials and missing offers
/// most, strips fewer). Each benchmark is one query as `sensor findings` runs it, records read whole.
/// </summary>
[InProcess] // the store is built once in the process; building a second executable adds nothing to a query's time
[WarmupCount(3)]
[IterationCount(8)]
[MemoryDiagnoser]
public class StoreQueryBenchmarks
{
    public const int Findings = 65_000;
    private static readonly DateTime Newest = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    private string _db = "";
    private SensorStore _store = null!;
    private readonly List<string> _runs = [];

    [GlobalSetup]
    public void Fill()
    {
        _db = Path.Combine(Path.GetTempPath(), $"sensor-bench-store-{Guid.NewGuid():N}.db");
        using (var store = SensorStore.Open(_db))
        {
            var random = new Random(7);
            for (int i = 0; i < Findings; i++)
            {
                if (i % 5000 == 0)
                {
                    var run = RunRecords.ForReplay("bench", [$"day-{i / 5000}.pcap"]);
                    store.StartRun(run);
                    _runs.Add(run.Id);
                }
                store.Add(Finding(i, random, _runs[^1]));
            }
            store.Flush();
        }
        _store = SensorStore.OpenReadOnly(_db);
    }

    private static FindingRecord Finding(int i, Random random, string run)
    {
        var (kind, variant, severity) = (i % 20) switch
        {
            < 8 => ("plaintext-credential", "smtp-auth-login", "high"),
            < 16 => ("starttls-absent", (string?)null, "low"),
            < 19 => ("starttls-stripped", i % 3 == 0 ? "removed" : "mangled", "high"),
            _ => ("tls-weak", "version", "medium"),
        };
        int server = random.Next(400);
        var ts = Newest - TimeSpan.FromSeconds((Findings - i) * 40.0); // 65,000 over 30 days, oldest first
        var evidence = new Dictionary<string, object?>();
        if (kind == "plaintext-credential")
            (evidence["user"], evidence["secret"]) = ($"user{random.Next(5000)}@example.test", SecretRedactor.Redacted);
        return new FindingRecord
        {
            Ts = Rfc3339.Format(ts), Id = i.ToString("x16"), Kind = kind, Variant = variant, Severity = severity, Confidence = 1.0,
            Protocol = "smtp", SrcIp = "192.0.2.10", SrcPort = 40000 + i % 20000, DestIp = $"10.0.{server / 250}.{server % 250}", DestPort = 25,
            Client = $"192.0.2.10:{40000 + i % 20000}", Server = $"10.0.{server / 250}.{server % 250}:25", ServerName = $"mx{server}.example.net",
            Session = (i + 1).ToString("x16"), Summary = "benchmark finding", Evidence = evidence, Run = run,
        };
    }

    [Benchmark(Description = "kind starttls-stripped, last 7 days, newest 100")]
    public int KindSince() => Count(new RecordFilter { Kinds = ["starttls-stripped"], From = Newest.AddDays(-7), Limit = 100 });

    [Benchmark(Description = "one user, all")]
    public int User() => Count(new RecordFilter { User = "user42@example.test" });

    [Benchmark(Description = "one server, severity high or above, newest 100")]
    public int ServerSeverity() => Count(new RecordFilter { Server = "10.0.0.7:25", MinSeverity = Severity.High, Limit = 100 });

    [Benchmark(Description = "host name, variant removed, all")]
    public int NameVariant() => Count(new RecordFilter { Server = "MX77.example.net", Variants = ["removed"] });

    [Benchmark(Description = "one run, kind tls-weak, newest 100")]
    public int RunKind() => Count(new RecordFilter { Run = _runs[6], Kinds = ["tls-weak"], Limit = 100 });

    [Benchmark(Description = "one run, kind tls-weak, all")]
    public int RunKindAll() => Count(new RecordFilter { Run = _runs[6], Kinds = ["tls-weak"] });

    [Benchmark(Description = "the oldest run, newest 100")]
    public int Run() => Count(new RecordFilter { Run = _runs[0], Limit = 100 });

    [Benchmark(Description = "one hour, all")]
    public int Hour() => Count(new RecordFilter { From = Newest.AddDays(-10), To = Newest.AddDays(-10).AddHours(1) });

    [Benchmark(Description = "no filter, newest 100")]
    public int NewestHundred() => Count(new RecordFilter { Limit = 100 });

    [Benchmark(Description = "open the store, then kind starttls-stripped, last 7 days, newest 100")]
    public int OpenThenQuery()
    {
        using var store = SensorStore.OpenReadOnly(_db);
        return store.FindFindings(new RecordFilter { Kinds = ["starttls-stripped"], From = Newest.AddDays(-7), Limit = 100 }).Count();
    }

    private int Count(RecordFilter filter) => _store.FindFindings(filter).Count();

    [GlobalCleanup]
    public void Remove()
    {
        _store.Dispose();
        File.Delete(_db);
        File.Delete(OwnerOnlyFiles.LogFileOf(_db));
    }
}
