using Sensor.Core.Pipeline;

namespace Sensor.Tests.Pipeline;

public class HandoffQueueTests
{
    [Fact]
    public void ItemsComeOutInOrder_AndTheEndIsReportedOnceTheyAreTaken()
    {
        var queue = new HandoffQueue<int>();
        foreach (var i in new[] { 3, 1, 2 })
            queue.Add(i);
        queue.CompleteAdding();
        var taken = new List<int>();
        while (queue.TryTake(out var item))
            taken.Add(item);
        Assert.Equal([3, 1, 2], taken);
        Assert.Throws<InvalidOperationException>(() => queue.Add(4));
        Assert.Throws<InvalidOperationException>(() => queue.Take());
    }

    [Fact]
    public void AFullQueueHoldsTheAdderUntilAnItemIsTaken()
    {
        var queue = new HandoffQueue<int>(capacity: 2);
        queue.Add(1);
        queue.Add(2);
        var adder = Task.Run(() => queue.Add(3));
        Assert.False(adder.Wait(200), "the third item went into a queue of two");
        Assert.Equal(1, queue.Take());
        Assert.True(adder.Wait(5000));
        Assert.Equal(2, queue.Count);
        Assert.Equal([2, 3], new[] { queue.Take(), queue.Take() });
    }

    [Fact]
    public void AWaitingTakerWakesForAnItem_AndForTheEnd()
    {
        var queue = new HandoffQueue<string>();
        var first = Task.Run(() => queue.TryTake(out var item) ? item : null);
        Assert.False(first.Wait(200), "a taker came back from an empty queue");
        queue.Add("batch");
        Assert.True(first.Wait(5000));
        Assert.Equal("batch", first.Result);

        var last = Task.Run(() => queue.TryTake(out _));
        Assert.False(last.Wait(200));
        queue.CompleteAdding();
        Assert.True(last.Wait(5000));
        Assert.False(last.Result);
        Assert.True(queue.IsAddingCompleted);
    }

    [Fact]
    public void CompletingWakesAnAdderWaitingForRoom()
    {
        var queue = new HandoffQueue<int>(capacity: 1);
        queue.Add(1);
        var adder = Task.Run(() => queue.Add(2));
        Assert.False(adder.Wait(200));
        queue.CompleteAdding();
        Assert.IsType<InvalidOperationException>(Assert.Throws<AggregateException>(() => adder.Wait(5000)).InnerException);
    }
}
