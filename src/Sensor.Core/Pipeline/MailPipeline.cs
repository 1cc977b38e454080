using System.Runtime.CompilerServices;
using Sensor.Core.CrossCheck;
using Sensor.Core.Decoding;
using Sensor.Core.Decoding.Fragments;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Protocols.Text;
using Sensor.Core.Reassembly;
using Sensor.Core.Sessions;

namespace Sensor.Core.Pipeline;

/// <summary>
/// The stages wired together: frame -> decode (-> IP reassembly, for fragments) -> flow table -> sessions -> detection -> sinks.
/// Frames must arrive in capture order on one thread; from the sessions stage on, the work runs on
/// a second thread (<see cref="FlowEventRelay"/>), so sinks are called from that thread.
/// </summary>
public sealed class MailPipeline : IDisposable
{
    private readonly PacketDecoder _decoder = new();
    private readonly FlowTable _flows;
    private readonly SessionTracker _sessions;
    private readonly DetectionStage _detection;
    private readonly FlowEventRelay _relay;
    private readonly FragmentStage _fragments;

    /// <param name="crossCheck">probe results to compare the capture with: raises absent STARTTLS a probe saw offered, and makes verdicts at the end</param>
    /// <param name="judgeAsSeen">live mode: judge a stripped or missing STARTTLS (removed or absent) at the server's capability list, on what is known so far, instead of at the end of the capture</param>
    /// <param name="sharedKnowledge">live workers: one server knowledge for every pipeline, so a verdict does not depend on which pipeline saw which session (then <paramref name="history"/> and <paramref name="crossCheck"/> are its business)</param>
    /// <param name="parserBuffers">one cap on what every session's parser buffers hold past their free size (long lines, TLS handshakes), shared by live workers; null: unlimited</param>
    public MailPipeline(RuleSetHolder rules, ReassemblyLimits limits, IServerHistory? history, RecordMapper mapper, IReadOnlyList<IRecordSink> sinks,
        CrossCheckSetup? crossCheck = null, bool judgeAsSeen = false, ServerKnowledge? sharedKnowledge = null, BufferBudget? parserBuffers = null)
    {
        var checker = crossCheck is null ? null : new CrossChecker(crossCheck);
        var knowledge = sharedKnowledge ?? new ServerKnowledge(rules, history, checker);
        if (checker is not null)
            sinks = [.. sinks, checker.Passive];
        _detection = new DetectionStage(new SessionDetector(rules, knowledge), knowledge, mapper, sinks, checker) { JudgeAsSeen = judgeAsSeen };
        _sessions = new SessionTracker(_detection, parserBuffers);
        _relay = new FlowEventRelay(_sessions);
        _flows = new FlowTable(_relay, limits);
        _fragments = new FragmentStage(new Defragmenter(limits.IpFragments), _flows);
    }

    public DecodeStats DecodeStats => _decoder.Stats;
    public ReassemblyStats ReassemblyStats => _flows.Stats;
    public DefragmentStats DefragmentStats => _fragments.Stats;

    /// <summary>The capture time of the latest frame, 0 before the first.</summary>
    public long CaptureTicks => Math.Max(0, _flows.Now);
    public long Sessions => _detection.Sessions;
    public long EmptySessions => _detection.EmptySessions;
    public long Findings => _detection.Findings;
    public long Verdicts => _detection.Verdicts;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnFrame(int linkType, long timestampTicks, ReadOnlySpan<byte> frame)
    {
        var result = _decoder.Decode(linkType, timestampTicks, frame, out var segment);
        if (result == DecodeResult.Tcp)
            _flows.Process(segment);
        else if (result == DecodeResult.Fragment)
            _fragments.OnFragment(timestampTicks, segment.Payload);
        else
            _flows.AdvanceTime(timestampTicks);
    }

    /// <summary>
    /// Live capture: the wall clock moved on with no frame. Ends flows idle past the timeout and hands
    /// what the flow table produced to the sessions stage now. Call it on the thread that calls <see cref="OnFrame"/>.
    /// </summary>
    public void AdvanceTime(long timestampTicks)
    {
        _flows.AdvanceTime(timestampTicks);
        _relay.Push();
    }

    /// <summary>Live capture, before <see cref="Complete"/>: every frame handed over so far has been through the sessions stage.</summary>
    public void Drain() => _relay.Drain();

    /// <summary>End of input: ends every flow, waits for the sessions stage, judges what waited for the whole capture, then cross-checks.</summary>
    public void Complete()
    {
        _flows.Flush();
        _relay.Finish();
        _detection.Complete();
    }

    public void Dispose() => _relay.Dispose();
}
