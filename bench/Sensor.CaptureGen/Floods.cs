using System.Text;
using Sensor.Core.Decoding;

namespace Sensor.CaptureGen;

/// <summary>
/// The hostile captures replay's memory budget is measured on (bench/flood-memory.sh), one frame per
/// microsecond to one mail server each:
///   syns        a SYN from each of COUNT clients (1,000,000: a 70 MB file)
///   open-lines  COUNT SMTP sessions whose client starts "EHLO" and never ends the line
///   literals    COUNT IMAP sessions whose client announces a LOGIN literal of 4294967295 bytes and sends 200 of them
/// </summary>
internal static class Floods
{
    public static readonly string[] Kinds = ["syns", "open-lines", "literals"];

    private const uint Smtp = 0xC6336419, Imap = 0xC633648F; // 198.51.100.25 and 198.51.100.143

    public static void Write(string path, string kind, int count)
    {
        using var writer = new PcapWriter(path);
        long micros = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;
        for (int i = 0; i < count; i++)
        {
            uint client = 0x0A000000u + (uint)i;
            switch (kind)
            {
                case "syns":
                    writer.Write(micros++, client, 40000, Smtp, 25, 1000, 0, TcpFlags.Syn, []);
                    break;
                case "open-lines":
                    Session(writer, ref micros, client, Smtp, 25, "220 mx ESMTP\r\n", "EHLO " + new string('h', 600), null, null);
                    break;
                case "literals":
                    Session(writer, ref micros, client, Imap, 143, "* OK IMAP4rev1 ready\r\n", "a1 LOGIN {4294967295}\r\n", "+ go ahead\r\n", new string('p', 200));
                    break;
                default:
                    throw new ArgumentException($"--flood takes {string.Join(", ", Kinds)}, not '{kind}'");
            }
        }
        Console.WriteLine($"wrote {path}: {kind} x {count:N0}, {writer.Packets:N0} packets, {writer.Bytes:N0} bytes");
    }

    /// <summary>A handshake, then the lines in turn (server, client, server, client), the last left as it is: no FIN.</summary>
    private static void Session(PcapWriter writer, ref long micros, uint client, uint server, ushort port, params string?[] lines)
    {
        uint clientSeq = 1000, serverSeq = 9000;
        writer.Write(micros++, client, 40000, server, port, clientSeq++, 0, TcpFlags.Syn, []);
        writer.Write(micros++, server, port, client, 40000, serverSeq++, clientSeq, TcpFlags.Syn | TcpFlags.Ack, []);
        for (int turn = 0; turn < lines.Length && lines[turn] is { } line; turn++)
        {
            var bytes = Encoding.ASCII.GetBytes(line);
            if (turn % 2 == 0)
                writer.Write(micros++, server, port, client, 40000, serverSeq, clientSeq, TcpFlags.Ack | TcpFlags.Psh, bytes);
            else
                writer.Write(micros++, client, 40000, server, port, clientSeq, serverSeq, TcpFlags.Ack | TcpFlags.Psh, bytes);
            if (turn % 2 == 0) serverSeq += (uint)bytes.Length; else clientSeq += (uint)bytes.Length;
        }
    }
}
