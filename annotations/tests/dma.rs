//! DMA over the host shim: the streaming typestate end to end with a simulated device, leaks
//! instead of unsafe frees, coherent memory, and the ownership tracker aborting on misuse.

mod common;

use std::ptr::NonNull;

use common::death_test;
use inv::host::{self, MemOwner, dma_stats, leak_reports, memory_owner, test_device};
use inv::sys::{self, INV_LEAK_DMA_DEVICE_OWNED};
use inv::{CoherentArray, DmaBuf, DmaDirection, Errno, Gfp};

#[test]
fn a_buffer_goes_to_the_device_and_back() {
    let dev = test_device(c"nic0");
    let mut buf = DmaBuf::alloc(16, Gfp::KERNEL).unwrap();
    buf.as_mut_slice().copy_from_slice(&[7; 16]);
    let cpu = buf.cpu_addr();
    assert_eq!(memory_owner(cpu), MemOwner::Cpu);

    let mapped = buf.map(dev, DmaDirection::ToDevice).unwrap();
    assert_eq!(memory_owner(cpu), MemOwner::Device);
    assert_ne!(
        mapped.dma_addr(),
        cpu as u64,
        "bus addresses are not CPU addresses"
    );
    let mut seen = [0u8; 16];
    host::device_read(dev, mapped.dma_addr(), &mut seen);
    assert_eq!(seen, [7; 16]);

    let buf = mapped.unmap();
    assert_eq!(memory_owner(cpu), MemOwner::Cpu);
    assert_eq!(buf.as_slice(), &[7; 16]);
    buf.free();
}

#[test]
fn the_device_fills_a_from_device_buffer() {
    let dev = test_device(c"nic1");
    let before = dma_stats();
    let buf = DmaBuf::alloc(8, Gfp::KERNEL).unwrap();
    let mapped = buf.map(dev, DmaDirection::FromDevice).unwrap();
    assert_eq!(mapped.direction(), DmaDirection::FromDevice);
    host::device_write(dev, mapped.dma_addr() + 4, &[1, 2, 3, 4]);
    let buf = mapped.unmap();
    assert_eq!(buf.as_slice(), &[0, 0, 0, 0, 1, 2, 3, 4]);
    let after = dma_stats();
    assert!(after.maps > before.maps && after.unmaps > before.unmaps);
}

#[test]
fn a_failed_map_gives_the_buffer_back() {
    let dev = test_device(c"nic2");
    let mut buf = DmaBuf::alloc(4, Gfp::ATOMIC).unwrap();
    buf.as_mut_slice()[0] = 42;
    host::dma_fail_next_map();
    let error = buf.map(dev, DmaDirection::ToDevice).unwrap_err();
    assert_eq!(error.errno, Errno::EIO);
    assert_eq!(error.buf.as_slice()[0], 42);
    assert_eq!(memory_owner(error.buf.cpu_addr()), MemOwner::Cpu);
}

#[test]
fn dropping_a_device_owned_buffer_leaks_and_reports_it() {
    let dev = test_device(c"nic3");
    let leaked_before = dma_stats().leaked;
    let mapped = DmaBuf::alloc(32, Gfp::KERNEL)
        .unwrap()
        .map(dev, DmaDirection::FromDevice)
        .unwrap();
    let (cpu, bus) = (mapped.cpu_addr(), mapped.dma_addr());
    drop(mapped);
    assert!(
        leak_reports()
            .iter()
            .any(|leak| leak.kind == INV_LEAK_DMA_DEVICE_OWNED
                && leak.addr == cpu.addr()
                && leak.size == 32)
    );
    assert!(dma_stats().leaked > leaked_before);
    // Still mapped and allocated: the device may still write, and it can.
    assert_eq!(memory_owner(cpu), MemOwner::Device);
    host::device_write(dev, bus, &[9; 32]);
}

#[test]
fn zero_length_buffers_are_refused() {
    assert_eq!(DmaBuf::alloc(0, Gfp::KERNEL).unwrap_err(), Errno::EINVAL);
    let dev = test_device(c"nic4");
    assert_eq!(
        CoherentArray::<u32>::alloc(dev, 0, Gfp::KERNEL).unwrap_err(),
        Errno::EINVAL
    );
}

#[test]
fn coherent_memory_is_shared_with_the_device_through_volatile_access() {
    let dev = test_device(c"nic5");
    let ring = CoherentArray::<u32>::alloc(dev, 4, Gfp::KERNEL).unwrap();
    assert_eq!(ring.len(), 4);
    assert_eq!(ring.read(3), 0, "coherent memory starts zeroed");
    ring.write(1, 0xdead_beef);
    let mut seen = [0u8; 4];
    host::device_read(dev, ring.dma_addr() + 4, &mut seen);
    assert_eq!(u32::from_ne_bytes(seen), 0xdead_beef);
    host::device_write(dev, ring.dma_addr() + 8, &0x1234_5678u32.to_ne_bytes());
    assert_eq!(ring.read(2), 0x1234_5678);
    let view = ring.view();
    assert_eq!(view.read(1), 0xdead_beef);
    let cpu = ring.view();
    assert_eq!(cpu.len(), 4);
    ring.free();
}

#[test]
#[should_panic(expected = "coherent DMA index 4 out of bounds (4)")]
fn coherent_access_is_bounds_checked() {
    let dev = test_device(c"nic6");
    let ring = CoherentArray::<u64>::alloc(dev, 4, Gfp::KERNEL).unwrap();
    ring.write(4, 1);
}

#[test]
fn freeing_a_mapped_buffer_aborts() {
    death_test(
        "freeing_a_mapped_buffer_aborts",
        "of a buffer the device owns: 24 bytes at",
        || {
            let dev = test_device(c"nic7");
            let mapped = DmaBuf::alloc(24, Gfp::KERNEL)
                .unwrap()
                .map(dev, DmaDirection::ToDevice)
                .unwrap();
            // A translation going around the typestate: free the memory behind the mapping.
            let (cpu, _, _) = mapped.into_raw_mapped();
            // SAFETY: none; this is the misuse the tracker must stop.
            unsafe { sys::kfree(cpu.as_ptr().cast()) };
        },
    );
}

#[test]
fn unmapping_twice_aborts() {
    death_test(
        "unmapping_twice_aborts",
        "which is not mapped: a double unmap",
        || {
            let dev = test_device(c"nic8");
            let mapped = DmaBuf::alloc(8, Gfp::KERNEL)
                .unwrap()
                .map(dev, DmaDirection::Bidirectional)
                .unwrap();
            let bus = mapped.dma_addr();
            drop(mapped.unmap());
            // SAFETY: none; the second unmap is the misuse.
            unsafe { sys::dma_unmap_single(dev.as_raw(), bus, 8, sys::DMA_BIDIRECTIONAL) };
        },
    );
}

#[test]
fn cpu_access_through_the_runtime_to_a_device_owned_buffer_aborts() {
    death_test(
        "cpu_access_through_the_runtime_to_a_device_owned_buffer_aborts",
        "CPU access to 16 bytes at",
        || {
            let dev = test_device(c"nic9");
            let mapped = DmaBuf::alloc(16, Gfp::KERNEL)
                .unwrap()
                .map(dev, DmaDirection::FromDevice)
                .unwrap();
            let (cpu, len, _) = mapped.into_raw_mapped();
            // SAFETY: none; adopting a mapped buffer as CPU-owned is the misuse.
            let wrong = unsafe { DmaBuf::from_raw(NonNull::new(cpu.as_ptr()).unwrap(), len) };
            let _ = wrong.as_slice();
        },
    );
}

#[test]
fn mapping_memory_kmalloc_did_not_return_aborts() {
    death_test(
        "mapping_memory_kmalloc_did_not_return_aborts",
        "which kmalloc did not return",
        || {
            let dev = test_device(c"nic10");
            let mut on_stack = [0u8; 8];
            // SAFETY: none; stack memory is not DMA-able.
            unsafe {
                sys::dma_map_single(
                    dev.as_raw(),
                    on_stack.as_mut_ptr().cast(),
                    8,
                    sys::DMA_TO_DEVICE,
                )
            };
        },
    );
}

#[test]
fn the_device_writing_a_to_device_mapping_aborts() {
    death_test(
        "the_device_writing_a_to_device_mapping_aborts",
        "which is mapped DMA_TO_DEVICE",
        || {
            let dev = test_device(c"nic11");
            let mapped = DmaBuf::alloc(8, Gfp::KERNEL)
                .unwrap()
                .map(dev, DmaDirection::ToDevice)
                .unwrap();
            host::device_write(dev, mapped.dma_addr(), &[1]);
        },
    );
}
