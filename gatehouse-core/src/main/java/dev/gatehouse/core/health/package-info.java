/**
 * Health of backends as decisions, without I/O: the state machine of each backend (active check
 * rise/fall, passive ejection with backoff and a pool-wide cap, slow start, drain), the pool's
 * available set with panic mode, and the retry budget. Time comes from an injected clock; the
 * server feeds check results and request outcomes in and routes by {@link PoolHealth#available()}.
 */
package dev.gatehouse.core.health;
