using System.Runtime.CompilerServices;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;

namespace Sensor.Core.Pipeline;

/// <summary>
/// What reassembly told its observer, recorded in order for another thread to replay: flow starts,
/// in-order bytes (copied into one block), gaps, anomalies, conflicting versions and ends. Only mail flows' bytes are
/// copied; flows the sessions stage ignores stop producing data once it has said so.
/// </summary>
internal sealed class FlowEventBatch
{
    public const int DataBytes = 1 << 20;
    public const int MaxEvents = 4096;

    private enum Kind : byte { Start, Data, Gap, Anomaly, Conflict, End }

    private readonly byte[] _data = new byte[DataBytes];
    private readonly Kind[] _kinds = new Kind[MaxEvents];
    private readonly TcpFlow[] _flows = new TcpFlow[MaxEvents];
    private readonly Direction[] _directions = new Direction[MaxEvents];
    private readonly long[] _values = new long[MaxEvents];
    private readonly long[] _ticks = new long[MaxEvents];
    private readonly int[] _offsets = new int[MaxEvents];
    private readonly string?[] _details = new string?[MaxEvents];
    private int _used;

    public int Count { get; private set; }
    public bool IsFull => Count == MaxEvents || _used == DataBytes;

    public void AddStart(TcpFlow flow) => Add(Kind.Start, flow, default, 0, null);
    public void AddGap(TcpFlow flow, Direction direction, long missing) => Add(Kind.Gap, flow, direction, missing, null);
    public void AddAnomaly(TcpFlow flow, Direction direction, ReassemblyAnomaly anomaly, string detail) =>
        Add(Kind.Anomaly, flow, direction, (long)anomaly, detail);
    public void AddEnd(TcpFlow flow, FlowEndReason reason) => Add(Kind.End, flow, default, (long)reason, null);

    /// <summary>True when both versions of a conflict fit (each is cut to half the block first).</summary>
    public bool HasRoomForConflict(int kept, int other) =>
        Count < MaxEvents && _used + Math.Min(kept, DataBytes / 2) + Math.Min(other, DataBytes / 2) <= DataBytes;

    /// <summary>Both versions of a rewritten range, one after the other in the block; call after <see cref="HasRoomForConflict"/>.</summary>
    public void AddConflict(TcpFlow flow, Direction direction, ReadOnlySpan<byte> kept, ReadOnlySpan<byte> other)
    {
        kept = kept[..Math.Min(kept.Length, DataBytes / 2)];
        other = other[..Math.Min(other.Length, DataBytes / 2)];
        _offsets[Count] = _used;
        kept.CopyTo(_data.AsSpan(_used));
        other.CopyTo(_data.AsSpan(_used + kept.Length));
        _used += kept.Length + other.Length;
        Add(Kind.Conflict, flow, direction, (long)kept.Length << 32 | (uint)other.Length, null);
    }

    /// <summary>Copies as much of data as fits; returns how many bytes were taken (the caller hands the rest to the next batch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AddData(TcpFlow flow, Direction direction, ReadOnlySpan<byte> data)
    {
        int take = Math.Min(data.Length, DataBytes - _used);
        data[..take].CopyTo(_data.AsSpan(_used));
        _offsets[Count] = _used;
        _used += take;
        Add(Kind.Data, flow, direction, take, null);
        return take;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Add(Kind kind, TcpFlow flow, Direction direction, long value, string? detail)
    {
        _kinds[Count] = kind;
        _flows[Count] = flow;
        _directions[Count] = direction;
        _values[Count] = value;
        _ticks[Count] = flow.LastTicks;
        _details[Count] = detail;
        Count++;
    }

    /// <summary>Replays every event, in order, into the sessions stage, with the capture time each happened at.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReplayTo(SessionTracker tracker)
    {
        for (int i = 0; i < Count; i++)
        {
            var flow = _flows[i];
            switch (_kinds[i])
            {
                case Kind.Start: tracker.OnFlowStart(flow); break;
                case Kind.Data: tracker.OnData(flow, _directions[i], _data.AsSpan(_offsets[i], (int)_values[i]), _ticks[i]); break;
                case Kind.Gap: tracker.OnGap(flow, _directions[i], _values[i]); break;
                case Kind.Conflict: ReplayConflict(tracker, i); break;
                case Kind.Anomaly: tracker.OnAnomaly(flow, _directions[i], (ReassemblyAnomaly)_values[i], _details[i]!); break;
                case Kind.End: tracker.OnFlowEnd(flow, (FlowEndReason)_values[i]); break;
            }
        }
    }

    private void ReplayConflict(SessionTracker tracker, int i)
    {
        int kept = (int)(_values[i] >> 32), other = (int)(uint)_values[i];
        tracker.OnConflict(_flows[i], _directions[i], _data.AsSpan(_offsets[i], kept), _data.AsSpan(_offsets[i] + kept, other), _ticks[i]);
    }

    public void Clear()
    {
        Array.Clear(_flows, 0, Count);
        Array.Clear(_details, 0, Count);
        Count = 0;
        _used = 0;
    }
}
