using Sensor.Core.Pipeline;
using Xunit;

namespace Sensor.Tests.Pipeline;

public class BatchWorkerTests
{
    [Fact]
    public void Processes_every_batch_in_order_on_its_own_thread()
    {
        var seen = new List<int>();
        int caller = Environment.CurrentManagedThreadId, worker = caller;
        using var batches = new BatchWorker<int>("test-worker", 2, n => { seen.Add(n); worker = Environment.CurrentManagedThreadId; });
        for (int i = 0; i < 1000; i++)
            batches.Add(i);
        batches.Complete();
        Assert.Equal(Enumerable.Range(0, 1000), seen);
        Assert.NotEqual(caller, worker);
    }

    [Fact]
    public void A_failure_reaches_the_sender_and_complete_and_runs_the_failure_action()
    {
        bool onFailureRan = false;
        var batches = new BatchWorker<int>("test-worker", 1, n =>
        {
            if (n == 3)
                throw new InvalidDataException("batch 3 is bad");
        }, () => onFailureRan = true);
        var thrown = Assert.Throws<InvalidDataException>(() =>
        {
            for (int i = 0; i < 100_000; i++)
                batches.Add(i);
        });
        Assert.Equal("batch 3 is bad", thrown.Message);
        Assert.Throws<InvalidDataException>(batches.Complete);
        Assert.True(onFailureRan);
        Assert.True(batches.Failed);
        batches.Dispose();   // never throws, even after a failure
    }

    [Fact]
    public void Dispose_before_complete_stops_the_thread()
    {
        var processed = 0;
        var batches = new BatchWorker<int>("test-worker", 4, _ => Interlocked.Increment(ref processed));
        batches.Add(1);
        batches.Dispose();
        Assert.Equal(1, processed);
    }
}
