package io.heroncp.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.heroncp.heron.HeronDefinitions;
import io.heroncp.support.Multipart;
import io.heroncp.support.ServiceTest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.drivers.TracerDriver;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The ZooKeeper round trips one submit makes on its request thread, counted by Curator's tracer
 * (one trace per foreground call). Background work (caches, leader election) runs on other threads
 * and is not counted.
 */
class SubmitRoundTripsTest extends ServiceTest {

  @Autowired CuratorFramework client;

  private final List<String> calls = new CopyOnWriteArrayList<>();
  private TracerDriver previous;

  @AfterEach
  void restoreTracer() {
    if (previous != null) {
      client.getZookeeperClient().setTracerDriver(previous);
    }
  }

  @Test
  void aSubmitMakesTheLocksCreateAndDeleteAndTwoTransactionsNothingElse() throws Exception {
    submit("RoundTrips0"); // first submit of a run may create parent nodes once
    previous = client.getZookeeperClient().getTracerDriver();
    client.getZookeeperClient().setTracerDriver(new RequestThreadCalls(calls));

    HttpResponse<String> submitted = submit("RoundTrips1");

    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    // The lock: one create, one delete. The intent: operation start, record and Heron's nodes in
    // one transaction; the launch: record, scheduler location and operation end in another. No
    // existence checks, no reads.
    assertThat(calls)
        .as("round trips on the request thread")
        .containsExactly(
            "lock:CreateBuilderImpl",
            "CuratorMultiTransactionImpl@io.heroncp.zookeeper.ZooKeeperSubmitJournal.recordIntent",
            "CuratorMultiTransactionImpl@io.heroncp.zookeeper.ZooKeeperSubmitJournal.recordLaunch",
            "lock:DeleteBuilderImpl");
  }

  private HttpResponse<String> submit(String name) {
    return post(
        "/api/v1/topologies",
        Multipart.submit("local", "alice", "devel", name, HeronDefinitions.WORD_COUNT));
  }

  /** Records foreground calls made on Tomcat's request threads; the lock's own calls marked. */
  private record RequestThreadCalls(List<String> calls) implements TracerDriver {
    @Override
    public void addTrace(String name, long time, TimeUnit unit) {
      if (name.endsWith("-Foreground") && Thread.currentThread().getName().startsWith("http-nio")) {
        boolean lock =
            StackWalker.getInstance()
                .walk(s -> s.anyMatch(f -> f.getClassName().contains("TopologyLocks")));
        String caller =
            StackWalker.getInstance()
                .walk(
                    st ->
                        st.map(f -> f.getClassName() + "." + f.getMethodName())
                            .filter(
                                c -> c.startsWith("io.heroncp") && !c.contains("RoundTripsTest"))
                            .findFirst()
                            .orElse("?"));
        String call = name.replace("-Foreground", "");
        calls.add(lock ? "lock:" + call : call + "@" + caller);
      }
    }

    @Override
    public void addCount(String name, int increment) {}
  }
}
