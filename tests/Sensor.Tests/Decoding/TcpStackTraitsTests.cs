using Sensor.Core.Decoding;

namespace Sensor.Tests.Decoding;

/// <summary>
/// The SYN and SYN/ACK option parser over real headers: the loopback postfix's handshake of
/// captures/smtp-aiosmtpd-no-starttls.pcap (Linux 6, every option offered and answered), a Windows layout,
/// a bare MSS (Linux with SACK, timestamps and window scaling switched off), and each way the list can be broken.
/// </summary>
public class TcpStackTraitsTests
{
    // captures/smtp-aiosmtpd-no-starttls.pcap, frames 1 and 2: the TCP headers as sent (TTL 64 both).
    private static readonly byte[] LinuxSyn = Convert.FromHexString("ce4009ddf43b192d00000000a002ffd7fe3000000204ffd70402080a8ecb22de000000000103030a");
    private static readonly byte[] LinuxSynAck = Convert.FromHexString("09ddce403783b99ef43b192ea012ffcbfe3000000204ffd70402080a07a75d748ecb22de0103030a");

    private static (bool, byte, ushort, string, ushort, byte, TcpHandshakeOptions, int, bool) Facts(TcpStackTraits t) =>
        (t.Seen, t.Ttl, t.Window, t.Layout(), t.Mss, t.WindowScale, t.Options, t.Count, t.Malformed);

    private const TcpHandshakeOptions All = TcpHandshakeOptions.Mss | TcpHandshakeOptions.SackPermitted | TcpHandshakeOptions.Timestamps | TcpHandshakeOptions.WindowScale;

    [Fact]
    public void ALinuxSynAckToALinuxSyn()
    {
        Assert.Equal((true, (byte)64, (ushort)65483, "mss,sok,ts,nop,ws", (ushort)65495, (byte)10, All, 5, false), Facts(TcpStackTraits.Parse(LinuxSynAck, 64)));
        Assert.Equal((true, (byte)64, (ushort)65495, "mss,sok,ts,nop,ws", (ushort)65495, (byte)10, All, 5, false), Facts(TcpStackTraits.Parse(LinuxSyn, 64)));
        Assert.Equal("mss,sok,ts,ws", TcpStackTraits.Names(TcpStackTraits.Parse(LinuxSyn, 64).Options));
    }

    [Fact]
    public void PayloadAfterTheHeaderIsNotReadAsOptions()
    {
        byte[] withPayload = [.. LinuxSynAck, 0x02, 0x04, 0x00, 0x01];
        Assert.Equal("mss,sok,ts,nop,ws", TcpStackTraits.Parse(withPayload, 64).Layout());
    }

    [Fact]
    public void AWindowsLayoutAndABareMss()
    {
        // mss 1460, nop, ws 8, nop, nop, sok: Windows answering a SYN without timestamps (data offset 8 words)
        var windows = Header(8, 0xFAF0, "020405b4010303080101" + "0402");
        Assert.Equal((true, (byte)128, (ushort)64240, "mss,nop,ws,nop,nop,sok", (ushort)1460, (byte)8,
            TcpHandshakeOptions.Mss | TcpHandshakeOptions.WindowScale | TcpHandshakeOptions.SackPermitted, 6, false), Facts(TcpStackTraits.Parse(windows, 128)));
        // the SYN/ACK of Linux with tcp_sack, tcp_timestamps and tcp_window_scaling at 0 (the namespace lab's relay)
        var bare = Header(6, 0xFAF0, "020405b4");
        Assert.Equal((true, (byte)128, (ushort)64240, "mss", (ushort)1460, (byte)0, TcpHandshakeOptions.Mss, 1, false), Facts(TcpStackTraits.Parse(bare, 128)));
        Assert.Equal("", TcpStackTraits.Parse(Header(5, 0xFFFF, ""), 255).Layout());
    }

    [Fact]
    public void AnEndOfListStopsTheWalkAndUnknownKindsAreNamed()
    {
        var t = TcpStackTraits.Parse(Header(7, 1024, "1e0400000000" + "00000000").AsSpan(0, 28), 60);
        Assert.Equal(("?30,eol", false), (t.Layout(), t.Malformed));
        Assert.Equal(TcpHandshakeOptions.None, t.Options);
    }

    [Fact]
    public void MoreOptionsThanKeptEndWithAnEllipsis()
    {
        var t = TcpStackTraits.Parse(Header(8, 1, "010101010101010101010101"), 64);
        Assert.Equal(("nop,nop,nop,nop,nop,nop,nop,nop,...", 12), (t.Layout(), t.Count));
    }

    [Fact]
    public void ALengthPastTheHeaderOrBelowTwoEndsTheListAsMalformed()
    {
        var pastEnd = TcpStackTraits.Parse(Header(6, 1, "020805b4"), 64);
        Assert.Equal(("mss", TcpHandshakeOptions.None, true), (pastEnd.Layout(), pastEnd.Options, pastEnd.Malformed));
        var zeroLength = TcpStackTraits.Parse(Header(6, 1, "01080001"), 64);
        Assert.Equal(("nop,ts", TcpHandshakeOptions.None, true), (zeroLength.Layout(), zeroLength.Options, zeroLength.Malformed));
        var kindLast = TcpStackTraits.Parse(Header(6, 1, "01010102"), 64);
        Assert.Equal(("nop,nop,nop,mss", true), (kindLast.Layout(), kindLast.Malformed));
    }

    [Fact]
    public void AWrongLengthForAKnownKindIsNotTakenAsThatOption()
    {
        // MSS with length 3 and window scale with length 4: laid out, not believed
        var t = TcpStackTraits.Parse(Header(7, 1, "020305" + "0304070001"), 64);
        Assert.Equal(("mss,ws,nop", TcpHandshakeOptions.None, false), (t.Layout(), t.Options, t.Malformed));
    }

    [Fact]
    public void AHeaderCutShortOrWithABadDataOffsetIsMalformed()
    {
        var tooShort = TcpStackTraits.Parse(LinuxSynAck.AsSpan(0, 19), 64);
        Assert.Equal((true, (byte)64, "", true), (tooShort.Seen, tooShort.Ttl, tooShort.Layout(), tooShort.Malformed));
        // the timestamps option begins inside what is there and ends past it
        var cut = TcpStackTraits.Parse(LinuxSynAck.AsSpan(0, 28), 64);
        Assert.Equal(("mss,sok,ts", TcpHandshakeOptions.Mss | TcpHandshakeOptions.SackPermitted, true), (cut.Layout(), cut.Options, cut.Malformed));
        var offsetTooSmall = TcpStackTraits.Parse(Header(4, 1, ""), 64);
        Assert.Equal(("", true), (offsetTooSmall.Layout(), offsetTooSmall.Malformed));
    }

    [Fact]
    public void TheDefaultIsNotSeen() => Assert.False(default(TcpStackTraits).Seen);

    /// <summary>A SYN/ACK header from port 25 with this data offset (32-bit words), window and options (hex).</summary>
    private static byte[] Header(int words, ushort window, string options)
    {
        var header = new byte[20 + options.Length / 2];
        header[1] = 25;
        header[12] = (byte)(words << 4);
        header[13] = 0x12;
        header[14] = (byte)(window >> 8);
        header[15] = (byte)window;
        Convert.FromHexString(options).CopyTo(header, 20);
        return header;
    }
}
