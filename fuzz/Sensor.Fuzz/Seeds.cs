using System.Text;
using Sensor.Core.Capture;
using Sensor.Core.Decoding;
using Sensor.Core.Protocols;
using Sensor.Core.Reassembly;

namespace Sensor.Fuzz;

/// <summary>
/// Writes small seed corpora: each flow of the real captures cut into each target's format (the
/// bytes per direction come from the product's own reader, decoder and flow table), the default
/// rules, and a few hand-made inputs. Seeds are capped in size: small seeds fuzz faster.
/// </summary>
internal static class Seeds
{
    private const int MaxSeedBytes = 3000;

    public static void Write(string capturesDir, string rulesFile, string outputDir)
    {
        var captures = Directory.EnumerateFiles(capturesDir).Where(f => f.EndsWith(".pcap") || f.EndsWith(".pcapng"))
            .Where(f => new FileInfo(f).Length < 64 * 1024).Order().ToList();
        foreach (var capture in captures)
        {
            var name = Path.GetFileNameWithoutExtension(capture) + (capture.EndsWith(".pcapng") ? "-ng" : "");
            var recorded = Record(capture);
            var flowIndex = 0;
            foreach (var flow in recorded.Flows)
                WriteFlowSeeds(outputDir, $"{name}-{flowIndex++}", flow);
            Save(outputDir, "packets", name, recorded.Frames.ToArray());
            if (name.Contains("-frag-"))
                Save(outputDir, "fragments", name, FragmentTarget.Seed(capture));
            // Single frames of the tunnelled captures and of each link type's copy of one session.
            if (name.StartsWith("encap-", StringComparison.Ordinal) || name.StartsWith("smtp-auth-plain-", StringComparison.Ordinal))
                for (int i = 0; i < recorded.FirstFrames.Count; i++)
                    Save(outputDir, "frame", $"{name}-{i}", recorded.FirstFrames[i]);
            if (new FileInfo(capture).Length <= 8 * 1024)
                Save(outputDir, "replay", name, [0, .. File.ReadAllBytes(capture)]);
            foreach (byte mode in capture.EndsWith(".pcapng") ? new byte[] { 0, 1, 2 } : [3])
                Save(outputDir, "capturefile", $"{name}-{mode}", [mode, .. File.ReadAllBytes(capture)]);
        }
        Save(outputDir, "rules", "default", File.ReadAllBytes(rulesFile));
        foreach (var (target, name, text) in HandMade)
            Save(outputDir, target, name, Encoding.UTF8.GetBytes(text));
        Save(outputDir, "sasl", "cram", [2, .. "\0PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\n\u0002dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\n"u8]);
        Save(outputDir, "sasl", "plain", [0, .. "\u0001AHRpbQB0YW5zdGFhbnRhbmNyZWRlbmNl\n"u8]);
        Save(outputDir, "sasl", "login", [1, .. "\0VXNlcm5hbWU6\n\u0002dGlt\n\0UGFzc3dvcmQ6\n\u0002c2VjcmV0\n"u8]);
        Save(outputDir, "sasl", "digest", [5, .. "\0cmVhbG09ImVsd29vZC5pbm5vc29mdC5jb20iLG5vbmNlPSJPQTZNRzl0RVFHbTJoaCIscW9wPSJhdXRoIixhbGdvcml0aG09bWQ1LXNlc3MsY2hhcnNldD11dGYtOA==\n\u0002Y2hhcnNldD11dGYtOCx1c2VybmFtZT0iY2hyaXMiLHJlYWxtPSJlbHdvb2QuaW5ub3NvZnQuY29tIixub25jZT0iT0E2TUc5dEVRR20yaGgiLG5jPTAwMDAwMDAxLGNub25jZT0iT0E2TUhYaDZWcVRyUmsiLGRpZ2VzdC11cmk9ImltYXAvZWx3b29kLmlubm9zb2Z0LmNvbSIscmVzcG9uc2U9ZDM4OGRhZDkwZDRiYmQ3NjBhMTUyMzIxZjIxNDNhZjcscW9wPWF1dGg=\n"u8]);
        Save(outputDir, "sasl", "xoauth2", [3, .. "\u0001dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==\n"u8]);
    }

    private static void WriteFlowSeeds(string outputDir, string name, RecordedFlow flow)
    {
        if (MailProtocolDetector.ByPort(flow.ServerPort, out var implicitTls) is not { } protocol)
            return;
        var options = (byte)(protocol switch { MailProtocol.Smtp => 0, MailProtocol.Imap => 1, _ => 2 } | (implicitTls ? 4 : 0));
        var mail = new MemoryStream();
        mail.WriteByte(options);
        foreach (var (server, bytes) in flow.Chunks)
            Chunks.Encode(mail, server, bytes);
        Save(outputDir, "mail", name, mail.ToArray());

        var serverBytes = flow.Chunks.Where(c => c.Server).SelectMany(c => c.Bytes).ToArray();
        Save(outputDir, "dialogue", name, [options, .. serverBytes]);
        foreach (var server in new[] { false, true })
        {
            var stream = flow.Chunks.Where(c => c.Server == server).SelectMany(c => c.Bytes).ToArray();
            var tlsStart = stream.AsSpan().IndexOf([(byte)0x16, (byte)0x03]);
            if (tlsStart < 0)
                continue;
            var tls = new MemoryStream();
            tls.WriteByte(server ? (byte)1 : (byte)0);
            Chunks.Encode(tls, server, stream.AsSpan(tlsStart));
            Save(outputDir, "tls", $"{name}-{(server ? "server" : "client")}", tls.ToArray());
            if (server)
                Save(outputDir, "answer", name, [63, .. stream.AsSpan(tlsStart)]);
        }
    }

    private static void Save(string outputDir, string target, string name, byte[] bytes)
    {
        var folder = Path.Combine(outputDir, target);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, name), bytes.AsSpan(0, Math.Min(bytes.Length, MaxSeedBytes)).ToArray());
    }

    private static readonly (string Target, string Name, string Text)[] HandMade =
    [
        ("mtasts", "enforce", "version: STSv1\r\nmode: enforce\r\nmx: mail.example.org\r\nmx: *.example.net\r\nmax_age: 604800\r\n"),
        ("mtasts", "txt", "v=STSv1; id=20190429T010101;\nv=TLSRPTv1; rua=mailto:tlsrpt@example.org\n"),
        ("rules", "small", "version: 1\nseverities:\n  starttls-stripped: high\nrequire_starttls:\n  - server: \"*.example.org\"\n"),
        ("eff", "policy", "{\"policies\": {\"example.org\": {\"mode\": \"enforce\", \"mxs\": [\".example.org\", \"mx.example.net\"]}}}"),
        ("autoconfig", "isp", """
            <?xml version="1.0"?>
            <clientConfig version="1.1">
              <emailProvider id="example.org">
                <domain>example.org</domain>
                <incomingServer type="imap"><hostname>imap.%EMAILDOMAIN%</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
                <incomingServer type="pop3"><hostname>pop.example.org</hostname><port>110</port><socketType>STARTTLS</socketType></incomingServer>
                <outgoingServer type="smtp"><hostname>smtp.example.org</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
              </emailProvider>
            </clientConfig>
            """),
    ];

    private sealed record RecordedFlow(ushort ServerPort, List<(bool Server, byte[] Bytes)> Chunks);

    private sealed class Recorded
    {
        public List<RecordedFlow> Flows { get; } = [];
        public MemoryStream Frames { get; } = new();

        /// <summary>The first frames one by one (link type index first), for the single-frame target.</summary>
        public List<byte[]> FirstFrames { get; } = [];
    }

    /// <summary>Reads a capture with the product's reader: the frames as they are, and each flow's bytes in arrival order.</summary>
    private static Recorded Record(string capture)
    {
        var recorded = new Recorded();
        var observer = new FlowRecorder(recorded.Flows);
        var flows = new FlowTable(observer);
        var handler = new FrameHandler(recorded, flows);
        new CaptureReader([capture]).Read(handler);
        flows.Flush();
        return recorded;
    }

    private sealed class FrameHandler(Recorded recorded, FlowTable flows) : IPacketHandler
    {
        // The handshake and the first data segments: enough for each capture's encapsulations.
        private const int SingleFrames = 4;
        private long _lastTicks = -1;

        public void OnPacket(in RawPacket packet)
        {
            var frames = recorded.Frames;
            var linkIndex = (byte)Array.IndexOf(PacketTarget.LinkTypes, packet.LinkType);
            if (frames.Length == 0)
                frames.WriteByte(linkIndex);
            if (recorded.FirstFrames.Count < SingleFrames)
                recorded.FirstFrames.Add([linkIndex, .. packet.Data]);
            var seconds = _lastTicks < 0 ? 0 : (int)((packet.TimestampTicks - _lastTicks) / TimeSpan.TicksPerSecond);
            _lastTicks = packet.TimestampTicks;
            PacketTarget.Encode(frames, packet.Data, seconds);
            if (PacketDecoder.DecodeFrame(packet.LinkType, packet.TimestampTicks, packet.Data, out var segment) == DecodeResult.Tcp)
                flows.Process(segment);
        }
    }

    private sealed class FlowRecorder(List<RecordedFlow> flows) : IFlowObserver
    {
        public void OnFlowStart(TcpFlow flow)
        {
            var recorded = new RecordedFlow(flow.Server.Port, []);
            flow.Attachment = recorded;
            flows.Add(recorded);
        }

        public void OnData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data) =>
            ((RecordedFlow)flow.Attachment!).Chunks.Add((direction == Direction.ServerToClient, data.ToArray()));

        public void OnGap(TcpFlow flow, Direction direction, long missingBytes) { }
        public void OnAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail) { }
        public void OnFlowEnd(TcpFlow flow, FlowEndReason reason) { }
    }
}
