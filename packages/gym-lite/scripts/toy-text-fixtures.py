#!/usr/bin/env python3
"""Records Gymnasium 1.4.0's toy-text environments as fixtures for @tfkit/gym-lite's tests.

Writes one compact JSON file per environment configuration to
packages/gym-lite/src/envs/toy-text/__fixtures__/ with:

- ``spec``: id, max_episode_steps, reward_threshold of the registered id (when registered);
- ``P``: the full transition model, ``P[s][a] = [[probability, next_state, reward, terminated], ...]``
  in Gymnasium's order, floats written with Python's shortest round-trip repr (nothing rounded);
- ``initial``: the initial state distribution;
- ``rollouts``: episodes through ``gym.make`` (TimeLimit included) from given seeds with given
  action sequences (numpy ``default_rng(1234 + seed)``: uniform actions; for Taxi uniform over the
  actions its ``action_mask`` allows), each step recorded as
  ``[action, next_state, reward, terminated, truncated, prob]`` (+ Taxi's action mask as a
  string of 0/1 digits);
- ``ansi``: ``render()`` text for chosen ``(state, lastaction)`` pairs;
- Taxi: the action mask of every state.

Usage (Gymnasium source checkout at $GYMNASIUM, e.g. `git archive <1.4.0> gymnasium | tar -x`):

    mkdir -p /tmp/stub/farama_notifications && echo 'notifications = {}' > /tmp/stub/farama_notifications/__init__.py
    PYTHONPATH=/tmp/stub:$GYMNASIUM python3 packages/gym-lite/scripts/toy-text-fixtures.py

Needs numpy only (pygame is not needed: only ansi rendering is recorded).
"""

import json
import os
import sys

import numpy as np

import gymnasium as gym

assert gym.__version__ == "1.4.0", gym.__version__

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "src", "envs", "toy-text", "__fixtures__"
)
SEEDS = (0, 7, 42)
STEPS_PER_SEED = 400


def model(env):
    unwrapped = env.unwrapped
    states = unwrapped.observation_space.n
    actions = unwrapped.action_space.n
    return [
        [
            [[float(p), int(s), r if isinstance(r, float) else int(r), bool(t)] for p, s, r, t in unwrapped.P[state][action]]
            for action in range(actions)
        ]
        for state in range(states)
    ]


def rollouts(env_id, kwargs, taxi=False):
    episodes_by_seed = []
    for seed in SEEDS:
        env = gym.make(env_id, **kwargs)
        rng = np.random.default_rng(1234 + seed)
        episodes = []
        observation, info = env.reset(seed=seed)
        episode = {"reset": [int(observation), float(info["prob"])], "steps": []}
        if taxi:
            episode["reset"].append("".join(str(int(v)) for v in info["action_mask"]))
        for _ in range(STEPS_PER_SEED):
            if taxi:
                # Uniform over the actions the mask allows, so that pickups (and fickle
                # passengers) happen; the actions are recorded, so any policy will do.
                action = int(rng.choice(np.flatnonzero(info["action_mask"])))
            else:
                action = int(rng.integers(env.action_space.n))
            observation, reward, terminated, truncated, info = env.step(action)
            row = [int(action), int(observation), reward if isinstance(reward, float) else int(reward),
                   bool(terminated), bool(truncated), float(info["prob"])]
            if taxi:
                row.append("".join(str(int(v)) for v in info["action_mask"]))
            episode["steps"].append(row)
            if terminated or truncated:
                episodes.append(episode)
                observation, info = env.reset()
                episode = {"reset": [int(observation), float(info["prob"])], "steps": []}
                if taxi:
                    episode["reset"].append("".join(str(int(v)) for v in info["action_mask"]))
        episodes.append(episode)
        episodes_by_seed.append({"seed": seed, "episodes": episodes})
    return episodes_by_seed


def ansi(env_id, kwargs, pairs):
    env = gym.make(env_id, render_mode="ansi", **kwargs)
    env.reset(seed=0)
    out = []
    for state, last in pairs:
        env.unwrapped.s = state
        env.unwrapped.lastaction = last
        out.append([state, last, env.render()])
    return out


def spec_of(env_id):
    spec = gym.spec(env_id)
    return {
        "id": spec.id,
        "max_episode_steps": spec.max_episode_steps,
        "reward_threshold": spec.reward_threshold,
    }


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"{name}.json")
    with open(path, "w") as handle:
        json.dump(data, handle, separators=(",", ":"))
        handle.write("\n")
    print(f"{path}: {os.path.getsize(path)} bytes")


def record(name, env_id, kwargs, pairs, taxi=False):
    env = gym.make(env_id, **kwargs)
    data = {
        "gymnasium": gym.__version__,
        "env_id": env_id,
        "kwargs": kwargs,
        "spec": spec_of(env_id),
        "P": model(env),
        "initial": [float(v) for v in env.unwrapped.initial_state_distrib],
        "rollouts": rollouts(env_id, kwargs, taxi),
        "ansi": ansi(env_id, kwargs, pairs),
    }
    if taxi:
        data["action_masks"] = [
            "".join(str(int(v)) for v in env.unwrapped.action_mask(state)) for state in range(500)
        ]
    write(name, data)


lake_pairs = [(s, None) for s in range(16)] + [(5, 0), (10, 1), (14, 2), (15, 3)]
record("frozen-lake-4x4", "FrozenLake-v1", {}, lake_pairs)
record("frozen-lake-4x4-not-slippery", "FrozenLake-v1", {"is_slippery": False}, lake_pairs)
record("frozen-lake-8x8", "FrozenLake8x8-v1", {}, [(0, None), (19, 2), (63, 1), (62, 3)])
record(
    "frozen-lake-custom",
    "FrozenLake-v1",
    {
        "desc": ["SFFH", "FHSF", "FFFG"],
        "success_rate": 0.75,
        "reward_schedule": [10, -5, -0.25],
    },
    [(0, None), (6, 0), (11, 2), (5, 3)],
)
cliff_pairs = [(36, None), (0, 0), (24, 1), (35, 2), (47, 3), (40, None)]
record("cliff-walking", "CliffWalking-v1", {}, cliff_pairs)
record("cliff-walking-slippery", "CliffWalkingSlippery-v1", {}, cliff_pairs)
taxi_pairs = [
    (0, None), (17, 0), (102, 1), (228, 2), (333, 3), (499, 4), (16, 5),
    (36, None), (85, 4), (410, 5), (479, 1), (255, 0), (347, None),
]
record("taxi", "Taxi-v4", {}, taxi_pairs, taxi=True)
record("taxi-rainy", "Taxi-v4", {"is_rainy": True}, taxi_pairs[:3], taxi=True)
record("taxi-rainy-0.9", "Taxi-v4", {"is_rainy": True, "rainy_probability": 0.9}, taxi_pairs[:1], taxi=True)
record(
    "taxi-fickle",
    "Taxi-v4",
    {"fickle_passenger": True, "fickle_probability": 0.6},
    taxi_pairs[:1],
    taxi=True,
)
print("done", file=sys.stderr)
