using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Sensor.Core.Decoding.Fragments;

namespace Sensor.Benchmarks;

/// <summary>
/// The defragmenter alone. <see cref="FirstFragmentFlood"/>: first fragments that never finish, each
/// of a new datagram, into the default 4 MiB cap: past about 1,800 datagrams every fragment evicts the
/// oldest, the steady state of a flood. <see cref="FourFragmentDatagrams"/>: whole 1,400-byte
/// datagrams in four fragments each, reassembled. Both per fragment.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class FragmentBenchmarks
{
    public const int FragmentsPerOp = 8192;
    private readonly byte[][] _flood = new byte[FragmentsPerOp][];
    private readonly byte[][] _datagrams = new byte[FragmentsPerOp][];
    private Defragmenter _defragmenter = null!;
    private ushort _identification;

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < FragmentsPerOp; i++)
        {
            _flood[i] = FragmentFlood.Ipv4Fragment(0, 1000, more: true);
            int quarter = i % 4;
            _datagrams[i] = FragmentFlood.Ipv4Fragment(quarter * 352, quarter == 3 ? 344 : 352, more: quarter != 3);
        }
        _defragmenter = new Defragmenter();
    }

    [Benchmark(OperationsPerInvoke = FragmentsPerOp)]
    public long FirstFragmentFlood()
    {
        foreach (var fragment in _flood)
        {
            BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(4), ++_identification);
            _defragmenter.Add(0, fragment, out _);
        }
        return _defragmenter.Stats.BufferedBytes;
    }

    [Benchmark(OperationsPerInvoke = FragmentsPerOp)]
    public long FourFragmentDatagrams()
    {
        for (int i = 0; i < _datagrams.Length; i++)
        {
            if (i % 4 == 0)
                _identification++;
            BinaryPrimitives.WriteUInt16BigEndian(_datagrams[i].AsSpan(4), _identification);
            _defragmenter.Add(0, _datagrams[i], out _);
        }
        return _defragmenter.Stats.DatagramsReassembled;
    }
}
