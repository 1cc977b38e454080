using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Sensor.Core.Decoding;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;

namespace Sensor.Benchmarks;

public enum Scenario
{
    /// <summary>HTTP-like downloads on port 80, in order, observer does nothing (flows stay tracked).</summary>
    BulkInOrderNoOp,
    /// <summary>Same, but every 4th pair of data segments arrives swapped (one held out of order, then the hole fills).</summary>
    BulkReorderedNoOp,
    /// <summary>Port 80 downloads through the real SessionTracker: not mail, so the flows are marked ignored.</summary>
    BulkInOrderTracker,
    /// <summary>SMTP sessions on port 25 in DATA (64-byte lines) through the real SessionTracker and SMTP parser.</summary>
    SmtpInOrderTracker,
    /// <summary>Same SMTP DATA, every 4th pair of segments swapped.</summary>
    SmtpReorderedTracker,
}

/// <summary>
/// PacketDecoder.Decode + FlowTable.Process over frames held in memory. 64 flows are opened (handshake,
/// and for SMTP the dialogue up to DATA) in GlobalSetup; each operation then feeds the next 128
/// full-size (1448-byte) data segments of every flow, and the receiver's ACK after every second one,
/// interleaved across flows: 12,288 frames. Before each frame is fed its sequence (or ACK) number is
/// moved on by what earlier operations sent, so every operation continues the same streams: the
/// steady state of long transfers, where nothing should allocate. Results are per packet.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class ReassemblyBenchmarks
{
    public const int Flows = 64, Rounds = 64, FramesPerOp = Flows * Rounds * 3;
    private const int Mss = 1448;
    private const long BytesPerFlowPerOp = (long)Rounds * 2 * Mss;

    [Params(Scenario.BulkInOrderNoOp, Scenario.BulkReorderedNoOp, Scenario.BulkInOrderTracker,
        Scenario.SmtpInOrderTracker, Scenario.SmtpReorderedTracker)]
    public Scenario Scenario { get; set; }

    private readonly PacketDecoder _decoder = new();
    private FlowTable _table = null!;
    private FrameSet _frames = null!;
    private int[] _bumpOffset = [];   // where in the frame the number to move on is (seq or ack)
    private uint[] _base = [];
    private long _operation, _ticks;

    [GlobalSetup]
    public void Setup()
    {
        bool smtp = Scenario is Scenario.SmtpInOrderTracker or Scenario.SmtpReorderedTracker;
        bool reorder = Scenario is Scenario.BulkReorderedNoOp or Scenario.SmtpReorderedTracker;
        IFlowObserver observer = Scenario is Scenario.BulkInOrderNoOp or Scenario.BulkReorderedNoOp
            ? new NoOpObserver() : new SessionTracker(new NoOpConsumer());
        _table = new FlowTable(observer);
        _ticks = new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc).Ticks;

        var prelude = new FrameSet();
        var steady = new FrameSet();
        var bump = new List<(int, uint)>();
        byte[] text = smtp ? DataText() : Random(2 * Mss + 4096);
        var flows = new List<(uint C, ushort Cp, uint S, ushort Sp, uint CSeq, uint SSeq)>();
        for (int f = 0; f < Flows; f++)
        {
            uint c = 0x0a000001u + (uint)f, s = 0xc6120001u + (uint)(f % 8);
            ushort cp = (ushort)(40000 + f), sp = (ushort)(smtp ? 25 : 80);
            uint cs = 1000u + (uint)f * 7_777_777, ss = 5000u + (uint)f * 3_333_333;
            void C(byte flags, string payload) { var b = System.Text.Encoding.ASCII.GetBytes(payload); prelude.Add(c, cp, s, sp, cs, ss, flags, b); cs += (uint)b.Length + ((flags & 2) != 0 ? 1u : 0); }
            void S(byte flags, string payload) { var b = System.Text.Encoding.ASCII.GetBytes(payload); prelude.Add(s, sp, c, cp, ss, cs, flags, b); ss += (uint)b.Length + ((flags & 2) != 0 ? 1u : 0); }
            C(0x02, ""); S(0x12, ""); C(0x10, "");
            if (smtp)
            {
                S(0x18, "220 mx.example.test ESMTP\r\n"); C(0x18, "EHLO client.example.test\r\n");
                S(0x18, "250-mx.example.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"); C(0x18, "MAIL FROM:<a@example.test>\r\n");
                S(0x18, "250 ok\r\n"); C(0x18, "RCPT TO:<b@example.test>\r\n"); S(0x18, "250 ok\r\n");
                C(0x18, "DATA\r\n"); S(0x18, "354 go ahead\r\n");
            }
            else
            {
                C(0x18, "GET /big.iso HTTP/1.1\r\nHost: cdn.example.net\r\n\r\n");
            }
            flows.Add((c, cp, s, sp, cs, ss));
        }
        // Steady state: per round, per flow: two data segments from the sender, one ACK from the receiver.
        for (int r = 0; r < Rounds; r++)
        {
            for (int f = 0; f < Flows; f++)
            {
                var (c, cp, s, sp, cs, ss) = flows[f];
                long offset = (long)r * 2 * Mss;
                var (snd, sndp, rcv, rcvp, sndSeq, rcvSeq) = smtp ? (c, cp, s, sp, cs, ss) : (s, sp, c, cp, ss, cs);
                int first = (int)(offset % (text.Length - 2 * Mss)), second = (int)((offset + Mss) % (text.Length - 2 * Mss));
                if (smtp) { first = (int)(offset % text.Length); second = (int)((offset + Mss) % text.Length); }
                var one = (sndSeq + (uint)offset, text.AsSpan(first, Mss).ToArray());
                var two = (sndSeq + (uint)(offset + Mss), text.AsSpan(second, Mss).ToArray());
                if (reorder && r % 4 == 3) (one, two) = (two, one);
                steady.Add(snd, sndp, rcv, rcvp, one.Item1, rcvSeq, 0x10, one.Item2); bump.Add((FrameSet.TcpSeqOffset, one.Item1));
                steady.Add(snd, sndp, rcv, rcvp, two.Item1, rcvSeq, 0x18, two.Item2); bump.Add((FrameSet.TcpSeqOffset, two.Item1));
                uint acked = sndSeq + (uint)(offset + 2 * Mss);
                steady.Add(rcv, rcvp, snd, sndp, rcvSeq, acked, 0x10, []); bump.Add((FrameSet.TcpAckOffset, acked));
            }
        }
        for (int i = 0; i < prelude.Frames.Count; i++)
            Feed(prelude.Frame(i));
        _frames = steady;
        _bumpOffset = bump.Select(b => b.Item1).ToArray();
        _base = bump.Select(b => b.Item2).ToArray();
    }

    [Benchmark(OperationsPerInvoke = FramesPerOp)]
    public long DecodeAndReassemble()
    {
        uint shift = (uint)(_operation++ * BytesPerFlowPerOp);
        for (int i = 0; i < FramesPerOp; i++)
        {
            var frame = _frames.MutableFrame(i);
            BinaryPrimitives.WriteUInt32BigEndian(frame[_bumpOffset[i]..], _base[i] + shift);
            Feed(frame);
        }
        return _table.Stats.Segments;
    }

    private void Feed(ReadOnlySpan<byte> frame)
    {
        _ticks += 10; // 1 µs a frame
        if (_decoder.Decode(LinkType.Ethernet, _ticks, frame, out var segment) == DecodeResult.Tcp)
            _table.Process(segment);
        else
            _table.AdvanceTime(_ticks);
    }

    [GlobalCleanup]
    public void Report()
    {
        var s = _table.Stats;
        Console.WriteLine($"// {Scenario}: flows {_table.Count}, segments {s.Segments}, untracked {s.UntrackedSegments}");
    }

    private static byte[] Random(int n) { var b = new byte[n]; new Random(1).NextBytes(b); return b; }

    /// <summary>Mail body text: 64-byte lines (62 characters + CRLF), never a lone '.'; its length divides the bytes a flow sends per operation.</summary>
    private static byte[] DataText()
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < (int)(BytesPerFlowPerOp / 64); i++)
            sb.Append($"Line {i:D6} of the message body, lorem ipsum dolor sit amet...").Append("\r\n");
        var bytes = System.Text.Encoding.ASCII.GetBytes(sb.ToString());
        if (bytes.Length != BytesPerFlowPerOp) throw new InvalidOperationException($"text is {bytes.Length} bytes");
        return bytes;
    }

    private sealed class NoOpObserver : IFlowObserver
    {
        public void OnFlowStart(TcpFlow flow) { }
        public void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data) { }
        public void OnGap(TcpFlow flow, Direction direction, long missingBytes) { }
        public void OnAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail) { }
        public void OnFlowEnd(TcpFlow flow, FlowEndReason reason) { }
    }

    private sealed class NoOpConsumer : ISessionConsumer
    {
        public void OnSessionEnd(Sensor.Core.Sessions.MailSession session) { }
    }
}

/// <summary>PacketDecoder.Decode alone over 12,288 in-memory frames (two 1448-byte data segments and an ACK, repeated).</summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class DecoderBenchmarks
{
    private readonly PacketDecoder _decoder = new();
    private FrameSet _frames = null!;

    /// <summary>The frames made by <see cref="Setup"/>.</summary>
    internal FrameSet Frames => _frames;

    [GlobalSetup]
    public void Setup()
    {
        _frames = new FrameSet();
        var payload = new byte[1448];
        for (int i = 0; i < ReassemblyBenchmarks.FramesPerOp / 3; i++)
        {
            uint c = 0x0a000001u + (uint)(i % 64);
            _frames.Add(0xc6120001u, 80, c, 40000, 1000u + (uint)i * 2896, 77, 0x10, payload);
            _frames.Add(0xc6120001u, 80, c, 40000, 1000u + (uint)i * 2896 + 1448, 77, 0x18, payload);
            _frames.Add(c, 40000, 0xc6120001u, 80, 77, 1000u + (uint)i * 2896 + 2896, 0x10, []);
        }
    }

    [Benchmark(OperationsPerInvoke = ReassemblyBenchmarks.FramesPerOp)]
    public long Decode()
    {
        long sum = 0;
        for (int i = 0; i < ReassemblyBenchmarks.FramesPerOp; i++)
            if (_decoder.Decode(LinkType.Ethernet, i, _frames.Frame(i), out var segment) == DecodeResult.Tcp)
                sum += segment.Payload.Length;
        return sum;
    }
}

/// <summary>
/// TcpChecksum.Verify over the same frames as <see cref="DecoderBenchmarks"/> (two 1448-byte data segments and
/// one pure ACK in three): against <see cref="DecoderBenchmarks.Decode"/>, what verifying every segment of a direction
/// whose checksums are good costs per packet. Directions with offloaded checksums verify one segment and no more.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class ChecksumBenchmarks
{
    private FrameSet _frames = null!;

    [GlobalSetup]
    public void Setup()
    {
        var decoders = new DecoderBenchmarks();
        decoders.Setup();
        _frames = decoders.Frames;
    }

    [Benchmark(OperationsPerInvoke = ReassemblyBenchmarks.FramesPerOp)]
    public long DecodeAndVerify()
    {
        long sum = 0;
        for (int i = 0; i < ReassemblyBenchmarks.FramesPerOp; i++)
            if (PacketDecoder.DecodeFrame(LinkType.Ethernet, i, _frames.Frame(i), out var segment) == DecodeResult.Tcp)
                sum += (int)TcpChecksum.Verify(segment);
        return sum;
    }
}

