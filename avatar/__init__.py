"""The host's face: a MediaPipe face rig from one portrait, lip-synced frames, window / MP4 / RTMP sinks."""
