#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| packwise_fuzzing::campaign(data));
