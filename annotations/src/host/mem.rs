//! `kmalloc`/`kfree` and the DMA API, over one ownership tracker.
//!
//! The tracker knows every live allocation (from `kmalloc`, `kzalloc`, `kcalloc` or
//! `dma_alloc_coherent`) and every streaming mapping, and aborts with a message naming both
//! sides of the mistake when:
//!
//! - a buffer the device owns is freed (`kfree` while mapped);
//! - a buffer is mapped twice, or memory `kmalloc` did not return (stack, statics, freed
//!   memory) is mapped;
//! - an address is unmapped that is not mapped (double unmap, or a made-up address), or with
//!   another size, direction or device than it was mapped with;
//! - the CPU touches a device-owned buffer through the runtime (`dma_assert_cpu_owned`);
//! - a simulated device ([`device_read`], [`device_write`]) touches memory it does not own, or
//!   against the mapping's direction;
//! - `kfree` gets a pointer it did not hand out, or one already freed.
//!
//! Bus addresses are made up (they start at `0x1_0000_0000` and never equal the CPU address),
//! so code that confuses the two fails fast. [`dma_stats`] counts maps, unmaps and leaks.

use core::cell::Cell;
use core::ffi::{c_char, c_int, c_void};
use core::ptr;
use std::alloc::{Layout, alloc, alloc_zeroed, dealloc};
use std::boxed::Box;
use std::collections::BTreeMap;
use std::ffi::CStr;
use std::prelude::rust_2024::*;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::{format, thread_local};

use super::bug;
use super::cpu::might_sleep;
use crate::dma::Device;
use crate::gfp::Gfp;
use crate::sys::{
    DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE, device, dma_addr_t,
    dma_data_direction, gfp_t,
};

/// Counts kept by the DMA tracker (C: `struct inv_dma_stats`, filled by
/// `inv_shim_dma_stats`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DmaStats {
    /// Streaming mappings live now (leaked ones included).
    pub mapped_now: u64,
    /// Successful `dma_map_single` calls.
    pub maps: u64,
    /// `dma_unmap_single` calls.
    pub unmaps: u64,
    /// Mappings reported leaked (a `DmaBuf<DeviceOwned>` dropped while mapped).
    pub leaked: u64,
    /// `dma_map_single` calls that failed (see [`dma_fail_next_map`]).
    pub map_errors: u64,
    /// Coherent allocations live now.
    pub coherent_now: u64,
}

/// Who owns the memory at an address, as the tracker sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemOwner {
    /// Not in any live allocation.
    Unallocated,
    /// In a live allocation the CPU owns.
    Cpu,
    /// In a buffer mapped for a device and not lent back to the CPU.
    Device,
    /// In coherent DMA memory, shared by both.
    Coherent,
}

struct Alloc {
    size: usize,
    align: usize,
    /// The bus address, for coherent allocations.
    coherent: Option<dma_addr_t>,
}

/// A streaming mapping. The tracker keeps the pointers it was given, not only their
/// addresses: a simulated device reaches the memory through them (a pointer made back from an
/// address would have lost its provenance), and a leaked mapping stays reachable, as the
/// memory stays mapped.
struct Mapping {
    cpu: *mut u8,
    len: usize,
    dir: dma_data_direction,
    dev: *const device,
    /// Lent to the CPU by `dma_sync_single_for_cpu`.
    lent_to_cpu: bool,
}

/// A coherent allocation: its CPU pointer and size.
struct Coherent {
    cpu: *mut u8,
    len: usize,
}

struct Tracker {
    /// Live allocations by CPU address.
    allocs: BTreeMap<usize, Alloc>,
    /// Live streaming mappings by bus address.
    maps: BTreeMap<dma_addr_t, Mapping>,
    /// The same mappings by CPU address (mappings never overlap).
    maps_by_cpu: BTreeMap<usize, dma_addr_t>,
    /// Coherent allocations by bus address.
    coherent: BTreeMap<dma_addr_t, Coherent>,
    next_bus: dma_addr_t,
    stats: DmaStats,
}

// SAFETY: the tracker's pointers are only dereferenced by the DMA entry points, under their
// contracts (the memory is mapped or coherent, the device valid), on whichever thread calls
// them, with the tracker's lock held.
unsafe impl Send for Tracker {}

thread_local! {
    /// Set by [`dma_fail_next_map`]: per thread, so that tests running in parallel do not take
    /// each other's failures.
    static FAIL_NEXT_MAP: Cell<bool> = const { Cell::new(false) };
}

static TRACKER: Mutex<Tracker> = Mutex::new(Tracker {
    allocs: BTreeMap::new(),
    maps: BTreeMap::new(),
    maps_by_cpu: BTreeMap::new(),
    coherent: BTreeMap::new(),
    next_bus: 0x1_0000_0000,
    stats: DmaStats {
        mapped_now: 0,
        maps: 0,
        unmaps: 0,
        leaked: 0,
        map_errors: 0,
        coherent_now: 0,
    },
});

fn tracker() -> MutexGuard<'static, Tracker> {
    TRACKER.lock().unwrap_or_else(PoisonError::into_inner)
}

fn dir_name(dir: dma_data_direction) -> &'static str {
    match dir {
        DMA_BIDIRECTIONAL => "DMA_BIDIRECTIONAL",
        DMA_TO_DEVICE => "DMA_TO_DEVICE",
        DMA_FROM_DEVICE => "DMA_FROM_DEVICE",
        _ => "an invalid direction",
    }
}

/// A device's name for messages.
fn dev_name(dev: *const device) -> String {
    // SAFETY: the DMA entry points are only called with valid devices (their contract), and
    // this only reads the name they carry.
    let name = unsafe { (*dev).init_name };
    if name.is_null() {
        format!("device {:#x}", dev.addr())
    } else {
        // SAFETY: a non-null `init_name` is a NUL-terminated string (the type's contract).
        let name = unsafe { CStr::from_ptr(name) };
        format!("device `{}`", name.to_string_lossy())
    }
}

impl Tracker {
    /// The allocation containing `addr`, with its start.
    fn alloc_at(&self, addr: usize) -> Option<(usize, &Alloc)> {
        let (&start, alloc) = self.allocs.range(..=addr).next_back()?;
        (addr < start + alloc.size.max(1)).then_some((start, alloc))
    }

    /// The streaming mapping overlapping `addr..addr+len`, with its bus address.
    fn mapping_over(&self, addr: usize, len: usize) -> Option<(dma_addr_t, &Mapping)> {
        let end = addr.checked_add(len.max(1))?;
        let (_, &bus) = self.maps_by_cpu.range(..end).next_back()?;
        let mapping = &self.maps[&bus];
        (mapping.cpu.addr() + mapping.len > addr).then_some((bus, mapping))
    }

    fn next_bus(&mut self, len: usize) -> dma_addr_t {
        let bus = self.next_bus;
        // Page-rounded, with a page of gap so that an overrun lands on no mapping.
        self.next_bus += (len as u64).div_ceil(4096) * 4096 + 4096;
        bus
    }

    /// The mapping at `bus` on `dev`, as `what` (an unmap or a sync) names it.
    fn mapping_for(
        &mut self,
        what: &str,
        dev: *const device,
        bus: dma_addr_t,
        size: usize,
        dir: dma_data_direction,
    ) -> &mut Mapping {
        let Some(mapping) = self.maps.get_mut(&bus) else {
            bug!(
                "{what} of bus address {bus:#x}, which is not mapped: a double unmap, or an \
                 address dma_map_single did not return"
            );
        };
        if mapping.dev != dev || mapping.len != size || mapping.dir != dir {
            let (len, mapped_dir, mapped_dev) = (mapping.len, mapping.dir, mapping.dev);
            bug!(
                "{what} of bus address {bus:#x} with {size} bytes, {} on {}, but it was mapped \
                 with {len} bytes, {} on {}",
                dir_name(dir),
                dev_name(dev),
                dir_name(mapped_dir),
                dev_name(mapped_dev)
            );
        }
        mapping
    }
}

fn allocate(size: usize, align: usize, zeroed: bool, flags: gfp_t, what: &str) -> *mut c_void {
    if Gfp::from_raw(flags).may_sleep() {
        might_sleep(what);
    }
    let Ok(layout) = Layout::from_size_align(size.max(1), align) else {
        return ptr::null_mut();
    };
    let zeroed = zeroed || Gfp::from_raw(flags).contains(Gfp::ZERO);
    // SAFETY: the layout's size is nonzero.
    let ptr = unsafe {
        if zeroed {
            alloc_zeroed(layout)
        } else {
            alloc(layout)
        }
    };
    if !ptr.is_null() {
        tracker().allocs.insert(
            ptr.addr(),
            Alloc {
                size,
                align,
                coherent: None,
            },
        );
    }
    ptr.cast()
}

/// The alignment of every `kmalloc` allocation.
const KMALLOC_ALIGN: usize = 16;

/// The `inv_kmalloc` symbol.
///
/// # Safety
/// See [`crate::sys::kmalloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_kmalloc(size: usize, flags: gfp_t) -> *mut c_void {
    allocate(size, KMALLOC_ALIGN, false, flags, "kmalloc")
}

/// The `inv_kzalloc` symbol.
///
/// # Safety
/// See [`crate::sys::kzalloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_kzalloc(size: usize, flags: gfp_t) -> *mut c_void {
    allocate(size, KMALLOC_ALIGN, true, flags, "kzalloc")
}

/// The `inv_kcalloc` symbol.
///
/// # Safety
/// See [`crate::sys::kcalloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_kcalloc(n: usize, size: usize, flags: gfp_t) -> *mut c_void {
    match n.checked_mul(size) {
        Some(total) => allocate(total, KMALLOC_ALIGN, true, flags, "kcalloc"),
        None => ptr::null_mut(),
    }
}

/// The `inv_kfree` symbol.
///
/// # Safety
/// See [`crate::sys::kfree`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_kfree(ptr: *const c_void) {
    if ptr.is_null() {
        return;
    }
    let addr = ptr.addr();
    let mut tracker = tracker();
    let Some(alloc) = tracker.allocs.get(&addr) else {
        match tracker.alloc_at(addr) {
            Some((start, _)) => {
                bug!("kfree({addr:#x}): a pointer into the middle of the allocation at {start:#x}")
            }
            None => bug!(
                "kfree({addr:#x}): not an allocation kmalloc returned, or already freed \
                 (double free)"
            ),
        }
    };
    if alloc.coherent.is_some() {
        bug!("kfree({addr:#x}) of memory from dma_alloc_coherent: use dma_free_coherent");
    }
    let (size, align) = (alloc.size, alloc.align);
    if let Some((bus, mapping)) = tracker.mapping_over(addr, size) {
        bug!(
            "kfree({addr:#x}) of a buffer the device owns: {} bytes at {:#x} are mapped for {} \
             at bus address {bus:#x} ({}) and not unmapped",
            mapping.len,
            mapping.cpu.addr(),
            dev_name(mapping.dev),
            dir_name(mapping.dir)
        );
    }
    tracker.allocs.remove(&addr);
    drop(tracker);
    // Poison freed memory (as SLUB does) so a use after free reads garbage, not stale data.
    // SAFETY: the tracker says `ptr` is a live allocation of `size` bytes with this layout,
    // and it has just been removed, so nothing else frees it.
    unsafe {
        ptr::write_bytes(ptr.cast_mut().cast::<u8>(), 0x6b, size);
        dealloc(
            ptr.cast_mut().cast(),
            Layout::from_size_align_unchecked(size.max(1), align),
        );
    }
}

fn check_dev(dev: *mut device, what: &str) -> *const device {
    if dev.is_null() {
        bug!("{what} with a null device");
    }
    dev.cast_const()
}

/// The `inv_dma_map_single` symbol.
///
/// # Safety
/// See [`crate::sys::dma_map_single`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_dma_map_single(
    dev: *mut device,
    ptr: *mut c_void,
    size: usize,
    dir: dma_data_direction,
) -> dma_addr_t {
    let dev = check_dev(dev, "dma_map_single");
    let addr = ptr.addr();
    if !matches!(dir, DMA_BIDIRECTIONAL | DMA_TO_DEVICE | DMA_FROM_DEVICE) {
        bug!("dma_map_single with an invalid direction {dir}");
    }
    if size == 0 {
        bug!("dma_map_single of zero bytes at {addr:#x}");
    }
    let mut tracker = tracker();
    match tracker.alloc_at(addr) {
        Some((start, alloc)) if alloc.coherent.is_none() && addr + size <= start + alloc.size => {}
        Some((start, alloc)) if alloc.coherent.is_none() => bug!(
            "dma_map_single of {size} bytes at {addr:#x}, past the end of the {}-byte \
             allocation at {start:#x}",
            alloc.size
        ),
        Some(_) => bug!("dma_map_single of coherent DMA memory at {addr:#x}"),
        None => bug!(
            "dma_map_single of {addr:#x}, which kmalloc did not return: stack, static and freed \
             memory cannot be mapped"
        ),
    }
    if let Some((bus, mapping)) = tracker.mapping_over(addr, size) {
        bug!(
            "dma_map_single of {addr:#x}, which the device already owns: mapped for {} at bus \
             address {bus:#x}",
            dev_name(mapping.dev)
        );
    }
    if FAIL_NEXT_MAP.with(|fail| fail.replace(false)) {
        tracker.stats.map_errors += 1;
        return DMA_MAPPING_ERROR;
    }
    let bus = tracker.next_bus(size);
    tracker.maps.insert(
        bus,
        Mapping {
            cpu: ptr.cast::<u8>(),
            len: size,
            dir,
            dev,
            lent_to_cpu: false,
        },
    );
    tracker.maps_by_cpu.insert(addr, bus);
    tracker.stats.maps += 1;
    tracker.stats.mapped_now += 1;
    bus
}

/// The `inv_dma_mapping_error` symbol.
///
/// # Safety
/// See [`crate::sys::dma_mapping_error`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_dma_mapping_error(_dev: *mut device, addr: dma_addr_t) -> c_int {
    c_int::from(addr == DMA_MAPPING_ERROR)
}

/// The `inv_dma_unmap_single` symbol.
///
/// # Safety
/// See [`crate::sys::dma_unmap_single`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_dma_unmap_single(
    dev: *mut device,
    addr: dma_addr_t,
    size: usize,
    dir: dma_data_direction,
) {
    let dev = check_dev(dev, "dma_unmap_single");
    let mut tracker = tracker();
    let cpu = tracker
        .mapping_for("dma_unmap_single", dev, addr, size, dir)
        .cpu;
    tracker.maps.remove(&addr);
    tracker.maps_by_cpu.remove(&cpu.addr());
    tracker.stats.unmaps += 1;
    tracker.stats.mapped_now -= 1;
}

/// The `inv_dma_sync_single_for_cpu` symbol.
///
/// # Safety
/// See [`crate::sys::dma_sync_single_for_cpu`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_dma_sync_single_for_cpu(
    dev: *mut device,
    addr: dma_addr_t,
    size: usize,
    dir: dma_data_direction,
) {
    let dev = check_dev(dev, "dma_sync_single_for_cpu");
    tracker()
        .mapping_for("dma_sync_single_for_cpu", dev, addr, size, dir)
        .lent_to_cpu = true;
}

/// The `inv_dma_sync_single_for_device` symbol.
///
/// # Safety
/// See [`crate::sys::dma_sync_single_for_device`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_dma_sync_single_for_device(
    dev: *mut device,
    addr: dma_addr_t,
    size: usize,
    dir: dma_data_direction,
) {
    let dev = check_dev(dev, "dma_sync_single_for_device");
    tracker()
        .mapping_for("dma_sync_single_for_device", dev, addr, size, dir)
        .lent_to_cpu = false;
}

/// The `inv_dma_alloc_coherent` symbol.
///
/// # Safety
/// See [`crate::sys::dma_alloc_coherent`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_dma_alloc_coherent(
    dev: *mut device,
    size: usize,
    handle: *mut dma_addr_t,
    flags: gfp_t,
) -> *mut c_void {
    check_dev(dev, "dma_alloc_coherent");
    if handle.is_null() {
        bug!("dma_alloc_coherent with a null handle");
    }
    let cpu = allocate(size, 64, true, flags, "dma_alloc_coherent");
    if cpu.is_null() {
        return cpu;
    }
    let mut tracker = tracker();
    let bus = tracker.next_bus(size);
    if let Some(alloc) = tracker.allocs.get_mut(&cpu.addr()) {
        alloc.coherent = Some(bus);
    }
    tracker.coherent.insert(
        bus,
        Coherent {
            cpu: cpu.cast::<u8>(),
            len: size,
        },
    );
    tracker.stats.coherent_now += 1;
    // SAFETY: the caller passes a handle valid for writes.
    unsafe { handle.write(bus) };
    cpu
}

/// The `inv_dma_free_coherent` symbol.
///
/// # Safety
/// See [`crate::sys::dma_free_coherent`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_dma_free_coherent(
    dev: *mut device,
    size: usize,
    cpu: *mut c_void,
    handle: dma_addr_t,
) {
    check_dev(dev, "dma_free_coherent");
    let mut tracker = tracker();
    match tracker.coherent.get(&handle) {
        Some(live) if live.cpu.addr() == cpu.addr() && live.len == size => {}
        Some(live) => bug!(
            "dma_free_coherent({:#x}, {size} bytes, bus {handle:#x}), but that bus address \
             belongs to {} bytes at {:#x}",
            cpu.addr(),
            live.len,
            live.cpu.addr()
        ),
        None => bug!(
            "dma_free_coherent of bus address {handle:#x}, which is not a live coherent \
             allocation (double free?)"
        ),
    }
    tracker.coherent.remove(&handle);
    if let Some(alloc) = tracker.allocs.get_mut(&cpu.addr()) {
        alloc.coherent = None;
    }
    tracker.stats.coherent_now -= 1;
    drop(tracker);
    // SAFETY: a live allocation, now no longer coherent, so `kfree` accepts it.
    unsafe { inv_kfree(cpu) };
}

/// The `inv_dma_assert_cpu_owned` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_dma_assert_cpu_owned(ptr: *const c_void, len: usize) {
    let tracker = tracker();
    if let Some((bus, mapping)) = tracker.mapping_over(ptr.addr(), len) {
        if !mapping.lent_to_cpu {
            bug!(
                "CPU access to {len} bytes at {:#x}, which the device owns: mapped for {} at \
                 bus address {bus:#x} ({}) and not unmapped",
                ptr.addr(),
                dev_name(mapping.dev),
                dir_name(mapping.dir)
            );
        }
    }
}

/// Called by the leak report of a `DmaBuf<DeviceOwned>`: the mapping stays live, and counted.
pub(crate) fn note_leaked_mapping() {
    tracker().stats.leaked += 1;
}

/// Where a simulated device reaches `len` bytes at bus address `bus`: checks that it owns
/// them and may access them in direction `access` (`DMA_TO_DEVICE` to read them,
/// `DMA_FROM_DEVICE` to write them).
fn device_span(
    dev: *const device,
    bus: dma_addr_t,
    len: usize,
    access: dma_data_direction,
) -> *mut u8 {
    let tracker = tracker();
    let verb = if access == DMA_TO_DEVICE {
        "reads"
    } else {
        "writes"
    };
    let end = bus.saturating_add(len as u64);
    if let Some((&start, coherent)) = tracker.coherent.range(..=bus).next_back() {
        if end <= start + coherent.len as u64 {
            return coherent.cpu.wrapping_add((bus - start) as usize);
        }
    }
    let Some((&start, mapping)) = tracker.maps.range(..=bus).next_back() else {
        bug!(
            "{} {verb} bus address {bus:#x}, which is not mapped",
            dev_name(dev)
        );
    };
    if end > start + mapping.len as u64 {
        bug!(
            "{} {verb} {len} bytes at bus address {bus:#x}, past the mapping at {start:#x}",
            dev_name(dev)
        );
    }
    if mapping.dev != dev {
        bug!(
            "{} {verb} bus address {bus:#x}, which is mapped for {}",
            dev_name(dev),
            dev_name(mapping.dev)
        );
    }
    if mapping.lent_to_cpu {
        bug!(
            "{} {verb} bus address {bus:#x}, which is lent to the CPU \
             (dma_sync_single_for_cpu without dma_sync_single_for_device)",
            dev_name(dev)
        );
    }
    if mapping.dir != DMA_BIDIRECTIONAL && mapping.dir != access {
        bug!(
            "{} {verb} bus address {bus:#x}, which is mapped {}",
            dev_name(dev),
            dir_name(mapping.dir)
        );
    }
    mapping.cpu.wrapping_add((bus - start) as usize)
}

/// The `inv_shim_device_read` symbol: the simulated device `dev` reads `len` bytes at bus
/// address `bus` into `dst`.
///
/// # Safety
/// `dev` is a valid device and `dst` is valid for `len` bytes of writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_shim_device_read(
    dev: *mut device,
    bus: dma_addr_t,
    dst: *mut c_void,
    len: usize,
) {
    let dev = check_dev(dev, "inv_shim_device_read");
    let src = device_span(dev, bus, len, DMA_TO_DEVICE);
    // SAFETY: the tracker vouches for `len` live bytes at `src` that the device owns; `dst` is
    // valid by the caller's contract, and cannot overlap device-owned memory the caller owns.
    unsafe { ptr::copy(src, dst.cast::<u8>(), len) };
}

/// The `inv_shim_device_write` symbol: the simulated device `dev` writes `len` bytes from
/// `src` at bus address `bus`.
///
/// # Safety
/// `dev` is a valid device and `src` is valid for `len` bytes of reads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_shim_device_write(
    dev: *mut device,
    bus: dma_addr_t,
    src: *const c_void,
    len: usize,
) {
    let dev = check_dev(dev, "inv_shim_device_write");
    let dst = device_span(dev, bus, len, DMA_FROM_DEVICE);
    // SAFETY: as in `inv_shim_device_read`, the other way round.
    unsafe { ptr::copy(src.cast::<u8>(), dst, len) };
}

/// The simulated device `dev` reads `out.len()` bytes at bus address `bus`: a test's stand-in
/// for the hardware. Aborts unless the device owns those bytes and the mapping lets it read
/// them (`ToDevice` or `Bidirectional`, or coherent memory).
pub fn device_read(dev: &Device, bus: dma_addr_t, out: &mut [u8]) {
    // SAFETY: `dev` is a valid device and `out` a valid buffer of its length.
    unsafe { inv_shim_device_read(dev.as_raw(), bus, out.as_mut_ptr().cast(), out.len()) }
}

/// The simulated device `dev` writes `data` at bus address `bus`; see [`device_read`].
pub fn device_write(dev: &Device, bus: dma_addr_t, data: &[u8]) {
    // SAFETY: `dev` is a valid device and `data` a valid buffer of its length.
    unsafe { inv_shim_device_write(dev.as_raw(), bus, data.as_ptr().cast(), data.len()) }
}

/// The tracker's counts so far.
pub fn dma_stats() -> DmaStats {
    tracker().stats
}

/// The `inv_shim_dma_stats` symbol: writes [`dma_stats`] to `out`.
///
/// # Safety
/// `out` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_shim_dma_stats(out: *mut DmaStats) {
    // SAFETY: the caller passes a pointer valid for writes.
    unsafe { out.write(dma_stats()) };
}

/// Makes the next `dma_map_single` on this thread fail, to test error paths (C:
/// `inv_shim_dma_fail_next_map`).
#[unsafe(export_name = "inv_shim_dma_fail_next_map")]
pub extern "C" fn dma_fail_next_map() {
    FAIL_NEXT_MAP.with(|fail| fail.set(true));
}

/// Who owns the byte at `ptr`, as the tracker sees it.
pub fn memory_owner(ptr: *const u8) -> MemOwner {
    let addr = ptr.addr();
    let tracker = tracker();
    match tracker.alloc_at(addr) {
        None => MemOwner::Unallocated,
        Some((_, alloc)) if alloc.coherent.is_some() => MemOwner::Coherent,
        Some(_) => match tracker.mapping_over(addr, 1) {
            Some((_, mapping)) if !mapping.lent_to_cpu => MemOwner::Device,
            _ => MemOwner::Cpu,
        },
    }
}

/// The devices [`test_device`] made: the shim owns them until the process exits.
struct TestDevices(Vec<*mut device>);

// SAFETY: the devices are never freed, and the shim only reads them (their names).
unsafe impl Send for TestDevices {}

static TEST_DEVICES: Mutex<TestDevices> = Mutex::new(TestDevices(Vec::new()));

/// A device for tests, named `name`, that lives until the process exits.
pub fn test_device(name: &'static CStr) -> &'static Device {
    let raw = Box::into_raw(Box::new(device {
        init_name: name.as_ptr().cast::<c_char>(),
        driver_data: ptr::null_mut(),
        dma_mask: u64::MAX,
    }));
    // Kept by the shim (not just leaked), so that it stays reachable, as the kernel's device
    // list keeps a device.
    TEST_DEVICES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .0
        .push(raw);
    // SAFETY: the device is never freed, so it is valid for 'static, longer than any mapping.
    unsafe { Device::from_raw(raw) }
}
