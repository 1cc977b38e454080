using BenchmarkDotNet.Attributes;
using Sensor.Core.Protocols;

namespace Sensor.Benchmarks;

/// <summary>
/// Parser throughput: a fresh parser per real session (MailParserFactory.Create), every reassembled
/// chunk of both directions fed in capture order, then End. One operation = the whole transcript set;
/// the MB/s column is the set's bytes divided by the mean time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class ParserBenchmarks
{
    private Transcript[] _set = [];
    private readonly CountingSink _sink = new();

    /// <summary>smtp-pipelining: smtp-pipelining-large.pcap, one 1 MB SMTP session (pipelined commands, a large DATA);
    /// smtp/imap/pop3: every real session of that protocol in captures/ (each a fresh parser).</summary>
    [Params("smtp-pipelining", "smtp", "imap", "pop3")]
    public string Transcript { get; set; } = "smtp";

    [GlobalSetup]
    public void Setup() => _set = Transcripts.Set(Transcript).ToArray();

    /// <summary>Only MailParserFactory.Create, once per session of the set: what a parser costs before its first byte.</summary>
    [Benchmark]
    public int CreateOnly()
    {
        int n = 0;
        foreach (var t in _set)
            n += MailParserFactory.Create(t.Protocol, t.ImplicitTls).InTls ? 1 : 2;
        return n;
    }

    [Benchmark]
    public long Parse()
    {
        foreach (var t in _set)
        {
            var parser = MailParserFactory.Create(t.Protocol, t.ImplicitTls);
            foreach (var chunk in t.Chunks)
                parser.Feed(chunk.Direction, chunk.Data, _sink);
            parser.End(_sink);
        }
        return _sink.Events;
    }
}
