using SharpPcap;
using SharpPcap.LibPcap;

namespace Sensor.Core.Capture;

public sealed record LiveCaptureOptions
{
    public int SnapLength { get; init; } = 262144;
    public bool Promiscuous { get; init; } = true;
    /// <summary>BPF filter applied in the kernel; null: <see cref="CaptureFilter.Default"/>, TCP and the tunnels the decoder reads.</summary>
    public string? Filter { get; init; }
    /// <summary>How long a read waits for a frame: how often cancellation and the idle tick are checked.</summary>
    public int ReadTimeoutMilliseconds { get; init; } = 250;
    /// <summary>The kernel's capture buffer: bigger means fewer drops in bursts.</summary>
    public int KernelBufferBytes { get; init; } = 32 * 1024 * 1024;
}

/// <summary>What a live capture saw, and what the kernel and the interface dropped (reported, so gaps are explained).</summary>
/// <param name="Warnings">Options libpcap could not apply here (the capture ran without them).</param>
public sealed record LiveCaptureResult(long Packets, long Bytes, long KernelDropped, long InterfaceDropped, string? StoppedBy,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Captures from a network interface through libpcap, frames going to the same
/// <see cref="IPacketHandler"/> as file replay, straight from libpcap's buffer.
/// </summary>
public sealed class LiveCapture(string interfaceName, LiveCaptureOptions? options = null) : IDisposable
{
    private LibPcapLiveDevice? _device;
    private readonly LiveCaptureOptions _options = options ?? new LiveCaptureOptions();
    private readonly List<string> _warnings = [];

    public string InterfaceName { get; } = interfaceName;

    public static IReadOnlyList<string> InterfaceNames() =>
        LibPcapLiveDeviceList.Instance.Select(d => d.Name).ToArray();

    /// <summary>How often the capture thread asks libpcap for the kernel's drop counts while it runs.</summary>
    public static readonly TimeSpan StatisticsInterval = TimeSpan.FromSeconds(1);

    private long _packets, _bytes, _kernelDropped, _interfaceDropped;

    /// <summary>Frames and bytes read so far (any thread may read these while the capture runs).</summary>
    public long Packets => Volatile.Read(ref _packets);
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>pcap_stats' ps_drop and ps_ifdrop as of the last poll (every <see cref="StatisticsInterval"/>, and at the end).</summary>
    public long KernelDropped => Volatile.Read(ref _kernelDropped);
    public long InterfaceDropped => Volatile.Read(ref _interfaceDropped);

    /// <summary>
    /// Captures until cancelled. A quiet wire costs nothing here: whoever takes the frames keeps its own
    /// clock (the live workers move theirs on by the wall time since their last frame).
    /// </summary>
    public LiveCaptureResult Run(IPacketHandler handler, CancellationToken cancellation)
    {
        Open();
        using var device = _device!;
        _device = null;
        int linkType = (int)device.LinkType;
        var reader = LiveFrameReader.TryCreate(device, _options.ReadTimeoutMilliseconds);
        long nextStatistics = Environment.TickCount64;
        string? stoppedBy = null;
        while (!cancellation.IsCancellationRequested)
        {
            var status = reader is null ? PcapFrameReader.NextLive(device, out var frame) : reader.Next(out frame);
            if (status == GetPacketStatus.PacketRead)
            {
                Volatile.Write(ref _packets, _packets + 1);
                Volatile.Write(ref _bytes, _bytes + frame.Data.Length);
                handler.OnPacket(new RawPacket(frame.Ticks, linkType, frame.Data, frame.OriginalLength, 0));
            }
            else if (status != GetPacketStatus.ReadTimeout)
            {
                stoppedBy = status == GetPacketStatus.Error ? device.LastError : "the interface has no more packets";
                break;
            }
            if (Environment.TickCount64 >= nextStatistics)
            {
                PollStatistics(device);
                nextStatistics = Environment.TickCount64 + (long)StatisticsInterval.TotalMilliseconds;
            }
        }
        PollStatistics(device);
        return new LiveCaptureResult(Packets, Bytes, KernelDropped, InterfaceDropped, stoppedBy, _warnings.ToArray());
    }

    private void PollStatistics(LibPcapLiveDevice device)
    {
        if (!NativePcapStatistics.TryRead(device, out long kernel, out long interfaceDropped))
        {
            var stats = device.Statistics;
            (kernel, interfaceDropped) = (stats.DroppedPackets, stats.InterfaceDroppedPackets);
        }
        Volatile.Write(ref _kernelDropped, kernel);
        Volatile.Write(ref _interfaceDropped, interfaceDropped);
    }

    /// <summary>
    /// Opens the interface and applies the filter; every reason it cannot is a <see cref="CaptureException"/>.
    /// Optional: <see cref="Run"/> opens it too, but opening first lets a caller report errors, and know
    /// capture is live, before it starts the capture thread.
    /// </summary>
    public void Open() => _device ??= OpenDevice();

    public void Dispose()
    {
        _device?.Dispose();
        _device = null;
    }

    private LibPcapLiveDevice OpenDevice()
    {
        if (!PcapLibrary.IsAvailable)
            throw new CaptureException(CaptureErrorKind.CannotCapture, InterfaceName,
                $"cannot capture on {InterfaceName}: libpcap is not installed ({(OperatingSystem.IsWindows() ? "install Npcap" : "install libpcap, e.g. the libpcap0.8 package")}); capture files can be replayed without it");
        var device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == InterfaceName)
            ?? throw new CaptureException(CaptureErrorKind.NoSuchInterface, InterfaceName,
                $"no such interface: {InterfaceName} (available: {string.Join(", ", InterfaceNames())})");
        try
        {
            var configuration = new DeviceConfiguration
            {
                Mode = _options.Promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
                Snaplen = _options.SnapLength,
                ReadTimeout = _options.ReadTimeoutMilliseconds,
                // libpcap's buffer (pcap_set_buffer_size, before activation): on Linux the kernel ring.
                // SharpPcap's KernelBufferSize is the WinPcap/Npcap pcap_setbuff extension and fails here.
                BufferSize = _options.KernelBufferBytes,
            };
            // A setting this platform's libpcap lacks is a warning, not a reason to refuse to capture.
            configuration.ConfigurationFailed += (_, failure) => _warnings.Add($"{failure.Property}: {failure.Message}");
            device.Open(configuration);
        }
        catch (PcapException e)
        {
            device.Dispose();
            throw new CaptureException(CaptureErrorKind.CannotCapture, InterfaceName,
                $"cannot capture on {InterfaceName}: {e.Message} (capturing needs root or CAP_NET_RAW)", e);
        }
        return Configure(device);
    }

    private LibPcapLiveDevice Configure(LibPcapLiveDevice device)
    {
        int linkType = (int)device.LinkType;
        if (!Decoding.LinkType.IsSupported(linkType))
        {
            device.Dispose();
            throw new CaptureException(CaptureErrorKind.UnsupportedLinkType, InterfaceName,
                $"unsupported link type {linkType} on {InterfaceName}; supported: {Decoding.LinkType.SupportedList}");
        }
        string filter = _options.Filter ?? CaptureFilter.Default(linkType);
        try
        {
            device.Filter = filter;
        }
        catch (PcapException e)
        {
            device.Dispose();
            throw new CaptureException(CaptureErrorKind.BadFilter, InterfaceName, $"bad capture filter \"{filter}\": {e.Message}", e);
        }
        return device;
    }
}
