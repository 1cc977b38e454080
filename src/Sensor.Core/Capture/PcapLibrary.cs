using SharpPcap;

namespace Sensor.Core.Capture;

/// <summary>
/// Whether libpcap (Npcap's wpcap.dll on Windows) can be loaded, asked once: without it live capture
/// cannot run, and capture files are read by the sensor's own readers instead (<see cref="CaptureFileSource"/>).
/// </summary>
internal static class PcapLibrary
{
    private static readonly Lazy<bool> Loadable = new(Probe);

    public static bool IsAvailable => Loadable.Value;

    // SharpPcap calls pcap_lib_version() and answers 0.0 when the library does not load.
    private static bool Probe() => Pcap.LibpcapVersion > new Version(0, 0);
}
