namespace Sensor.Core.Decoding;

/// <summary>
/// Link-layer header types (tcpdump.org/linktypes.html) the decoder understands. Capture rejects a
/// file with any other link type before reading a packet, so the user gets one clear message.
/// </summary>
public static class LinkType
{
    public const int Null = 0;          // BSD loopback: 4-byte address family in the writer's byte order
    public const int Ethernet = 1;
    public const int RawBsd12 = 12;     // DLT_RAW on OpenBSD and some others
    public const int RawBsd14 = 14;     // DLT_RAW on BSD/OS
    public const int Raw = 101;         // LINKTYPE_RAW: starts at the IP header, version nibble says which
    public const int Loop = 108;        // OpenBSD loopback: family in network byte order
    public const int LinuxSll = 113;    // Linux cooked capture v1
    public const int Ipv4 = 228;
    public const int Ipv6 = 229;
    public const int LinuxSll2 = 276;   // Linux cooked capture v2, what `tcpdump -i any` writes

    private static readonly int[] Supported =
        [Null, Ethernet, RawBsd12, RawBsd14, Raw, Loop, LinuxSll, Ipv4, Ipv6, LinuxSll2];

    public static bool IsSupported(int linkType) => Array.IndexOf(Supported, linkType) >= 0;

    /// <summary>For the "unsupported link type" message.</summary>
    public static string SupportedList =>
        "Ethernet (1), Linux cooked SLL (113), SLL2 (276), raw IP (101, 12, 14, 228, 229), BSD loopback NULL (0), LOOP (108)";
}
