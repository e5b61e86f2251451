/* ext2lite.c: a simplified ext2-style file system over a disk image file.
 *
 * Written for invc (not taken from the kernel); see ext2lite.h for the layout. All on-disk
 * integers are little-endian and written byte by byte, so the image does not depend on the
 * host; nothing time-dependent is written, so the same operations give the same image. */
#include "ext2lite.h"

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/slab.h>

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- little-endian helpers ---- */

static unsigned int get_le16(const unsigned char *p)
{
	return (unsigned int)p[0] | ((unsigned int)p[1] << 8);
}

static unsigned int get_le32(const unsigned char *p)
{
	return (unsigned int)p[0] | ((unsigned int)p[1] << 8) | ((unsigned int)p[2] << 16) |
	       ((unsigned int)p[3] << 24);
}

static void put_le16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void put_le32(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff);
	p[3] = (unsigned char)((v >> 24) & 0xff);
}

/* ---- on-disk offsets ---- */

/* Superblock (block 1). */
#define SB_INODES_COUNT 0
#define SB_BLOCKS_COUNT 4
#define SB_R_BLOCKS_COUNT 8
#define SB_FREE_BLOCKS 12
#define SB_FREE_INODES 16
#define SB_FIRST_DATA_BLOCK 20
#define SB_LOG_BLOCK_SIZE 24
#define SB_LOG_FRAG_SIZE 28
#define SB_BLOCKS_PER_GROUP 32
#define SB_FRAGS_PER_GROUP 36
#define SB_INODES_PER_GROUP 40
#define SB_MNT_COUNT 52
#define SB_MAX_MNT_COUNT 54
#define SB_MAGIC 56
#define SB_STATE 58
#define SB_ERRORS 60
#define SB_REV_LEVEL 76
#define SB_FIRST_INO 84
#define SB_INODE_SIZE 88
#define SB_VOLUME_NAME 120

/* Group descriptor (block 2). */
#define GD_BLOCK_BITMAP 0
#define GD_INODE_BITMAP 4
#define GD_INODE_TABLE 8
#define GD_FREE_BLOCKS 12
#define GD_FREE_INODES 14
#define GD_USED_DIRS 16

/* Inode (128 bytes). */
#define DI_MODE 0
#define DI_SIZE 4
#define DI_DTIME 20
#define DI_LINKS 26
#define DI_BLOCKS 28
#define DI_BLOCK 40

/* Directory entry header. */
#define DE_INODE 0
#define DE_REC_LEN 4
#define DE_NAME_LEN 6
#define DE_FILE_TYPE 7
#define DE_NAME 8

/* The space an entry with a name of `len` bytes needs: 8 bytes of header, 4-byte aligned. */
static unsigned int dirent_size(unsigned int len)
{
	return (DE_NAME + len + 3) & ~3u;
}

/* ---- block device ---- */

int ext2l_bdev_open(struct ext2l_bdev *bdev, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -EIO;
	}
	bdev->fd = fd;
	bdev->nr_blocks = (unsigned int)(st.st_size / EXT2L_BLOCK_SIZE);
	bdev->reads = 0;
	bdev->writes = 0;
	bdev->fail_read_block = -1;
	bdev->fail_write_block = -1;
	return 0;
}

void ext2l_bdev_close(struct ext2l_bdev *bdev)
{
	if (bdev->fd >= 0)
		close(bdev->fd);
	bdev->fd = -1;
}

int ext2l_bdev_read(struct ext2l_bdev *bdev, unsigned int block, void *buf)
{
	ssize_t n;

	if (block >= bdev->nr_blocks)
		return -EIO;
	if (bdev->fail_read_block >= 0 && (unsigned int)bdev->fail_read_block == block)
		return -EIO;
	n = pread(bdev->fd, buf, EXT2L_BLOCK_SIZE, (off_t)block * EXT2L_BLOCK_SIZE);
	if (n != EXT2L_BLOCK_SIZE)
		return -EIO;
	bdev->reads++;
	return 0;
}

int ext2l_bdev_write(struct ext2l_bdev *bdev, unsigned int block, const void *buf)
{
	ssize_t n;

	if (block >= bdev->nr_blocks)
		return -EIO;
	if (bdev->fail_write_block >= 0 && (unsigned int)bdev->fail_write_block == block)
		return -EIO;
	n = pwrite(bdev->fd, buf, EXT2L_BLOCK_SIZE, (off_t)block * EXT2L_BLOCK_SIZE);
	if (n != EXT2L_BLOCK_SIZE)
		return -EIO;
	bdev->writes++;
	return 0;
}

static int zero_block(struct ext2l_bdev *bdev, unsigned int block)
{
	unsigned char buf[EXT2L_BLOCK_SIZE];

	memset(buf, 0, sizeof(buf));
	return ext2l_bdev_write(bdev, block, buf);
}

/* ---- errors ---- */

/* Corruption found: from now on the fs refuses to write (-EROFS), and the superblock says so. */
void ext2l_error(struct ext2l_sb_info *sbi)
{
	WRITE_ONCE(sbi->s_ro, 1);
}

static int fs_readonly(struct ext2l_sb_info *sbi)
{
	return READ_ONCE(sbi->s_ro);
}

/* ---- bitmaps ---- */

static int test_bit(const unsigned char *map, unsigned int nr)
{
	return (map[nr / 8] >> (nr % 8)) & 1;
}

static void set_bit(unsigned char *map, unsigned int nr)
{
	map[nr / 8] = (unsigned char)(map[nr / 8] | (1u << (nr % 8)));
}

static void clear_bit(unsigned char *map, unsigned int nr)
{
	map[nr / 8] = (unsigned char)(map[nr / 8] & ~(1u << (nr % 8)));
}

/* The first clear bit below `limit`, or `limit` if all are set. */
static unsigned int find_first_zero(const unsigned char *map, unsigned int limit)
{
	unsigned int i;

	for (i = 0; i < limit; i++) {
		if (map[i / 8] == 0xff && i % 8 == 0 && i + 8 <= limit) {
			i += 7;
			continue;
		}
		if (!test_bit(map, i))
			return i;
	}
	return limit;
}

/* ---- mkfs ---- */

static unsigned int itable_blocks_for(unsigned int inodes_count)
{
	return (inodes_count + EXT2L_INODES_PER_BLOCK - 1) / EXT2L_INODES_PER_BLOCK;
}

static void fill_superblock(unsigned char *b, unsigned int blocks, unsigned int inodes,
			    unsigned int free_blocks, unsigned int free_inodes,
			    unsigned int mnt_count, unsigned int state)
{
	memset(b, 0, EXT2L_BLOCK_SIZE);
	put_le32(b + SB_INODES_COUNT, inodes);
	put_le32(b + SB_BLOCKS_COUNT, blocks);
	put_le32(b + SB_R_BLOCKS_COUNT, 0);
	put_le32(b + SB_FREE_BLOCKS, free_blocks);
	put_le32(b + SB_FREE_INODES, free_inodes);
	put_le32(b + SB_FIRST_DATA_BLOCK, 1);
	put_le32(b + SB_LOG_BLOCK_SIZE, 0);
	put_le32(b + SB_LOG_FRAG_SIZE, 0);
	put_le32(b + SB_BLOCKS_PER_GROUP, EXT2L_MAX_BLOCKS);
	put_le32(b + SB_FRAGS_PER_GROUP, EXT2L_MAX_BLOCKS);
	put_le32(b + SB_INODES_PER_GROUP, inodes);
	put_le16(b + SB_MNT_COUNT, mnt_count);
	put_le16(b + SB_MAX_MNT_COUNT, 20);
	put_le16(b + SB_MAGIC, EXT2L_MAGIC);
	put_le16(b + SB_STATE, state);
	put_le16(b + SB_ERRORS, 1);
	put_le32(b + SB_REV_LEVEL, 1);
	put_le32(b + SB_FIRST_INO, EXT2L_FIRST_INO);
	put_le16(b + SB_INODE_SIZE, EXT2L_INODE_SIZE);
	memcpy(b + SB_VOLUME_NAME, "ext2lite", 8);
}

static void fill_group_desc(unsigned char *b, unsigned int itable, unsigned int free_blocks,
			    unsigned int free_inodes, unsigned int dirs)
{
	memset(b, 0, EXT2L_BLOCK_SIZE);
	put_le32(b + GD_BLOCK_BITMAP, EXT2L_BLOCK_BITMAP);
	put_le32(b + GD_INODE_BITMAP, EXT2L_INODE_BITMAP);
	put_le32(b + GD_INODE_TABLE, itable);
	put_le16(b + GD_FREE_BLOCKS, free_blocks);
	put_le16(b + GD_FREE_INODES, free_inodes);
	put_le16(b + GD_USED_DIRS, dirs);
}

/* Writes the first two entries of a new directory block: "." and "..". */
static void init_dir_block(unsigned char *b, unsigned int self, unsigned int parent)
{
	memset(b, 0, EXT2L_BLOCK_SIZE);
	put_le32(b + DE_INODE, self);
	put_le16(b + DE_REC_LEN, 12);
	b[DE_NAME_LEN] = 1;
	b[DE_FILE_TYPE] = EXT2L_FT_DIR;
	b[DE_NAME] = '.';
	put_le32(b + 12 + DE_INODE, parent);
	put_le16(b + 12 + DE_REC_LEN, EXT2L_BLOCK_SIZE - 12);
	b[12 + DE_NAME_LEN] = 2;
	b[12 + DE_FILE_TYPE] = EXT2L_FT_DIR;
	b[12 + DE_NAME] = '.';
	b[12 + DE_NAME + 1] = '.';
}

int ext2l_mkfs(const char *path, unsigned int blocks_count, unsigned int inodes_count)
{
	struct ext2l_bdev bdev;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int itb, data_start, root_block, i, free_blocks, free_inodes;
	int fd, err;

	if (blocks_count < EXT2L_MIN_BLOCKS || blocks_count > EXT2L_MAX_BLOCKS)
		return -EINVAL;
	if (inodes_count < EXT2L_MIN_INODES || inodes_count > EXT2L_MAX_INODES ||
	    inodes_count % EXT2L_INODES_PER_BLOCK != 0)
		return -EINVAL;
	itb = itable_blocks_for(inodes_count);
	data_start = EXT2L_INODE_TABLE + itb;
	if (data_start + 1 >= blocks_count)
		return -ENOSPC;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -ENOENT;
	if (ftruncate(fd, (off_t)blocks_count * EXT2L_BLOCK_SIZE) != 0) {
		close(fd);
		return -EIO;
	}
	close(fd);
	err = ext2l_bdev_open(&bdev, path);
	if (err)
		return err;

	root_block = data_start;
	/* Blocks 1..root_block are used; block 0 is outside the bitmap, as in ext2. */
	free_blocks = blocks_count - 1 - (root_block - EXT2L_SB_BLOCK + 1);
	free_inodes = inodes_count - (EXT2L_FIRST_INO - 1);

	for (i = 0; i < blocks_count && !err; i++)
		err = zero_block(&bdev, i);

	if (!err) {
		fill_superblock(b, blocks_count, inodes_count, free_blocks, free_inodes, 0,
				EXT2L_VALID_FS);
		err = ext2l_bdev_write(&bdev, EXT2L_SB_BLOCK, b);
	}
	if (!err) {
		fill_group_desc(b, EXT2L_INODE_TABLE, free_blocks, free_inodes, 1);
		err = ext2l_bdev_write(&bdev, EXT2L_GD_BLOCK, b);
	}
	if (!err) {
		/* Bit n is block n + 1; bits past the last block are set, as padding. */
		memset(b, 0, sizeof(b));
		for (i = EXT2L_SB_BLOCK; i <= root_block; i++)
			set_bit(b, i - 1);
		for (i = blocks_count - 1; i < EXT2L_BLOCK_SIZE * 8; i++)
			set_bit(b, i);
		err = ext2l_bdev_write(&bdev, EXT2L_BLOCK_BITMAP, b);
	}
	if (!err) {
		/* Bit n is inode n + 1; the reserved inodes are used. */
		memset(b, 0, sizeof(b));
		for (i = 1; i < EXT2L_FIRST_INO; i++)
			set_bit(b, i - 1);
		for (i = inodes_count; i < EXT2L_BLOCK_SIZE * 8; i++)
			set_bit(b, i);
		err = ext2l_bdev_write(&bdev, EXT2L_INODE_BITMAP, b);
	}
	if (!err) {
		/* The root directory: inode 2, in the first block of the inode table. */
		unsigned char *di = b + (EXT2L_ROOT_INO - 1) * EXT2L_INODE_SIZE;

		memset(b, 0, sizeof(b));
		put_le16(di + DI_MODE, EXT2L_S_IFDIR | 0755);
		put_le32(di + DI_SIZE, EXT2L_BLOCK_SIZE);
		put_le16(di + DI_LINKS, 2);
		put_le32(di + DI_BLOCKS, EXT2L_BLOCK_SIZE / 512);
		put_le32(di + DI_BLOCK, root_block);
		err = ext2l_bdev_write(&bdev, EXT2L_INODE_TABLE, b);
	}
	if (!err) {
		init_dir_block(b, EXT2L_ROOT_INO, EXT2L_ROOT_INO);
		err = ext2l_bdev_write(&bdev, root_block, b);
	}
	ext2l_bdev_close(&bdev);
	return err;
}

/* ---- mount ---- */

/* Checks the superblock in `b` and fills the geometry of `sbi`; -EINVAL if it is corrupt. */
static int parse_superblock(struct ext2l_sb_info *sbi, const unsigned char *b,
			    unsigned int nr_blocks)
{
	unsigned int blocks = get_le32(b + SB_BLOCKS_COUNT);
	unsigned int inodes = get_le32(b + SB_INODES_COUNT);
	unsigned int free_blocks = get_le32(b + SB_FREE_BLOCKS);
	unsigned int free_inodes = get_le32(b + SB_FREE_INODES);

	if (get_le16(b + SB_MAGIC) != EXT2L_MAGIC)
		return -EINVAL;
	if (get_le32(b + SB_LOG_BLOCK_SIZE) != 0 || get_le32(b + SB_FIRST_DATA_BLOCK) != 1)
		return -EINVAL;
	if (get_le32(b + SB_REV_LEVEL) != 1 || get_le16(b + SB_INODE_SIZE) != EXT2L_INODE_SIZE ||
	    get_le32(b + SB_FIRST_INO) != EXT2L_FIRST_INO)
		return -EINVAL;
	if (blocks < EXT2L_MIN_BLOCKS || blocks > EXT2L_MAX_BLOCKS || blocks > nr_blocks)
		return -EINVAL;
	if (inodes < EXT2L_MIN_INODES || inodes > EXT2L_MAX_INODES ||
	    inodes % EXT2L_INODES_PER_BLOCK != 0)
		return -EINVAL;
	if (get_le32(b + SB_INODES_PER_GROUP) != inodes)
		return -EINVAL;
	if (free_blocks > blocks || free_inodes > inodes)
		return -EINVAL;

	sbi->s_blocks_count = blocks;
	sbi->s_inodes_count = inodes;
	sbi->s_first_data_block = 1;
	sbi->s_itable_blocks = itable_blocks_for(inodes);
	sbi->s_first_ino = EXT2L_FIRST_INO;
	sbi->s_mnt_count = get_le16(b + SB_MNT_COUNT);
	/* Errors found before: mount read-only. */
	sbi->s_ro = (get_le16(b + SB_STATE) & EXT2L_ERROR_FS) ? 1 : 0;
	sbi->s_free_blocks_count = free_blocks;
	sbi->s_free_inodes_count = free_inodes;
	return 0;
}

/* Checks the group descriptor against the superblock already parsed. */
static int parse_group_desc(struct ext2l_sb_info *sbi, const unsigned char *b)
{
	unsigned int bb = get_le32(b + GD_BLOCK_BITMAP);
	unsigned int ib = get_le32(b + GD_INODE_BITMAP);
	unsigned int it = get_le32(b + GD_INODE_TABLE);

	if (bb != EXT2L_BLOCK_BITMAP || ib != EXT2L_INODE_BITMAP || it != EXT2L_INODE_TABLE)
		return -EINVAL;
	if (it + sbi->s_itable_blocks >= sbi->s_blocks_count)
		return -EINVAL;
	if (get_le16(b + GD_FREE_BLOCKS) != (sbi->s_free_blocks_count & 0xffff) ||
	    get_le16(b + GD_FREE_INODES) != (sbi->s_free_inodes_count & 0xffff))
		return -EINVAL;
	sbi->s_block_bitmap = bb;
	sbi->s_inode_bitmap = ib;
	sbi->s_inode_table = it;
	sbi->s_data_start = it + sbi->s_itable_blocks;
	sbi->s_dirs_count = get_le16(b + GD_USED_DIRS);
	if (sbi->s_dirs_count == 0 || sbi->s_dirs_count > sbi->s_inodes_count)
		return -EINVAL;
	return 0;
}

int ext2l_fill_super(struct ext2l_sb_info *sbi, struct ext2l_bdev *bdev)
{
	unsigned char b[EXT2L_BLOCK_SIZE];
	int err;

	sbi->s_bdev = bdev;
	mutex_init(&sbi->s_lock);
	INIT_LIST_HEAD(&sbi->s_inodes);
	sbi->s_cached = 0;

	err = ext2l_bdev_read(bdev, EXT2L_SB_BLOCK, b);
	if (err)
		return err;
	err = parse_superblock(sbi, b, bdev->nr_blocks);
	if (err)
		return err;
	err = ext2l_bdev_read(bdev, EXT2L_GD_BLOCK, b);
	if (err)
		return err;
	err = parse_group_desc(sbi, b);
	if (err)
		return err;
	/* Mounted: count the mount and clear the clean flag until unmount. */
	sbi->s_mnt_count = (sbi->s_mnt_count + 1) & 0xffff;
	mutex_lock(&sbi->s_lock);
	err = ext2l_sync_super(sbi, 0);
	mutex_unlock(&sbi->s_lock);
	return err;
}

/* Writes the superblock and the group descriptor from the in-memory counts; s_lock held. */
int ext2l_sync_super(struct ext2l_sb_info *sbi, int valid)
{
	unsigned char b[EXT2L_BLOCK_SIZE];
	int err;

	fill_superblock(b, sbi->s_blocks_count, sbi->s_inodes_count, sbi->s_free_blocks_count,
			sbi->s_free_inodes_count, sbi->s_mnt_count,
			(valid ? EXT2L_VALID_FS : 0) | (fs_readonly(sbi) ? EXT2L_ERROR_FS : 0));
	err = ext2l_bdev_write(sbi->s_bdev, EXT2L_SB_BLOCK, b);
	if (err)
		return err;
	fill_group_desc(b, sbi->s_inode_table, sbi->s_free_blocks_count,
			sbi->s_free_inodes_count, sbi->s_dirs_count);
	return ext2l_bdev_write(sbi->s_bdev, EXT2L_GD_BLOCK, b);
}

int ext2l_mount(const char *path, struct ext2l_sb_info **out)
{
	struct ext2l_sb_info *sbi;
	struct ext2l_bdev *bdev;
	int err;

	bdev = kzalloc(sizeof(*bdev), GFP_KERNEL);
	if (!bdev)
		return -ENOMEM;
	err = ext2l_bdev_open(bdev, path);
	if (err) {
		kfree(bdev);
		return err;
	}
	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sbi) {
		ext2l_bdev_close(bdev);
		kfree(bdev);
		return -ENOMEM;
	}
	err = ext2l_fill_super(sbi, bdev);
	if (err) {
		ext2l_bdev_close(bdev);
		kfree(bdev);
		kfree(sbi);
		return err;
	}
	*out = sbi;
	return 0;
}

int ext2l_unmount(struct ext2l_sb_info *sbi)
{
	int err;

	mutex_lock(&sbi->s_lock);
	if (!list_empty(&sbi->s_inodes)) {
		mutex_unlock(&sbi->s_lock);
		return -EBUSY;
	}
	err = ext2l_sync_super(sbi, 1);
	mutex_unlock(&sbi->s_lock);
	ext2l_bdev_close(sbi->s_bdev);
	kfree(sbi->s_bdev);
	kfree(sbi);
	return err;
}

int ext2l_statfs(struct ext2l_sb_info *sbi, unsigned int *free_blocks, unsigned int *free_inodes)
{
	mutex_lock(&sbi->s_lock);
	*free_blocks = sbi->s_free_blocks_count;
	*free_inodes = sbi->s_free_inodes_count;
	mutex_unlock(&sbi->s_lock);
	return 0;
}

/* ---- block and inode allocation ---- */

int ext2l_new_block_locked(struct ext2l_sb_info *sbi, unsigned int *out)
{
	unsigned char map[EXT2L_BLOCK_SIZE];
	unsigned int bit, limit = sbi->s_blocks_count - 1;
	int err;

	if (sbi->s_free_blocks_count == 0)
		return -ENOSPC;
	err = ext2l_bdev_read(sbi->s_bdev, sbi->s_block_bitmap, map);
	if (err)
		return err;
	bit = find_first_zero(map, limit);
	if (bit == limit) {
		ext2l_error(sbi); /* the count said otherwise */
		return -ENOSPC;
	}
	set_bit(map, bit);
	err = ext2l_bdev_write(sbi->s_bdev, sbi->s_block_bitmap, map);
	if (err)
		return err;
	sbi->s_free_blocks_count--;
	*out = bit + 1;
	return 0;
}

int ext2l_free_block_locked(struct ext2l_sb_info *sbi, unsigned int block)
{
	unsigned char map[EXT2L_BLOCK_SIZE];
	int err;

	if (block < sbi->s_data_start || block >= sbi->s_blocks_count) {
		ext2l_error(sbi);
		return -EIO;
	}
	err = ext2l_bdev_read(sbi->s_bdev, sbi->s_block_bitmap, map);
	if (err)
		return err;
	if (!test_bit(map, block - 1)) {
		ext2l_error(sbi); /* double free: the fs is corrupt */
		return -EIO;
	}
	clear_bit(map, block - 1);
	err = ext2l_bdev_write(sbi->s_bdev, sbi->s_block_bitmap, map);
	if (err)
		return err;
	sbi->s_free_blocks_count++;
	return 0;
}

/* Allocates a block and zeroes it on disk. */
int ext2l_new_block(struct ext2l_sb_info *sbi, unsigned int *out)
{
	int err;

	mutex_lock(&sbi->s_lock);
	err = ext2l_new_block_locked(sbi, out);
	mutex_unlock(&sbi->s_lock);
	if (err)
		return err;
	err = zero_block(sbi->s_bdev, *out);
	if (err) {
		ext2l_free_block(sbi, *out);
		return err;
	}
	return 0;
}

int ext2l_free_block(struct ext2l_sb_info *sbi, unsigned int block)
{
	int err;

	mutex_lock(&sbi->s_lock);
	err = ext2l_free_block_locked(sbi, block);
	mutex_unlock(&sbi->s_lock);
	return err;
}

int ext2l_new_inode(struct ext2l_sb_info *sbi, int is_dir, unsigned int *out)
{
	unsigned char map[EXT2L_BLOCK_SIZE];
	unsigned int bit;
	int err;

	mutex_lock(&sbi->s_lock);
	if (sbi->s_free_inodes_count == 0) {
		err = -ENOSPC;
		goto out;
	}
	err = ext2l_bdev_read(sbi->s_bdev, sbi->s_inode_bitmap, map);
	if (err)
		goto out;
	bit = find_first_zero(map, sbi->s_inodes_count);
	if (bit == sbi->s_inodes_count) {
		ext2l_error(sbi); /* the count said otherwise */
		err = -ENOSPC;
		goto out;
	}
	set_bit(map, bit);
	err = ext2l_bdev_write(sbi->s_bdev, sbi->s_inode_bitmap, map);
	if (err)
		goto out;
	sbi->s_free_inodes_count--;
	if (is_dir)
		sbi->s_dirs_count++;
	*out = bit + 1;
out:
	mutex_unlock(&sbi->s_lock);
	return err;
}

int ext2l_free_inode(struct ext2l_sb_info *sbi, unsigned int ino, int is_dir)
{
	unsigned char map[EXT2L_BLOCK_SIZE];
	int err;

	if (ino < sbi->s_first_ino || ino > sbi->s_inodes_count) {
		ext2l_error(sbi);
		return -EIO;
	}
	mutex_lock(&sbi->s_lock);
	err = ext2l_bdev_read(sbi->s_bdev, sbi->s_inode_bitmap, map);
	if (err)
		goto out;
	if (!test_bit(map, ino - 1)) {
		ext2l_error(sbi);
		err = -EIO;
		goto out;
	}
	clear_bit(map, ino - 1);
	err = ext2l_bdev_write(sbi->s_bdev, sbi->s_inode_bitmap, map);
	if (err)
		goto out;
	sbi->s_free_inodes_count++;
	if (is_dir && sbi->s_dirs_count > 0)
		sbi->s_dirs_count--;
out:
	mutex_unlock(&sbi->s_lock);
	return err;
}

/* ---- inodes ---- */

static int inode_location(struct ext2l_sb_info *sbi, unsigned int ino, unsigned int *block,
			  unsigned int *offset)
{
	if (ino == 0 || ino > sbi->s_inodes_count)
		return -EINVAL;
	*block = sbi->s_inode_table + (ino - 1) / EXT2L_INODES_PER_BLOCK;
	*offset = ((ino - 1) % EXT2L_INODES_PER_BLOCK) * EXT2L_INODE_SIZE;
	return 0;
}

/* Reads inode `ino` from the inode table into a new, uncached ext2l_inode_info. */
static struct ext2l_inode_info *read_inode(struct ext2l_sb_info *sbi, unsigned int ino, int *err)
{
	unsigned char b[EXT2L_BLOCK_SIZE];
	struct ext2l_inode_info *ei;
	unsigned int block, offset, i;
	const unsigned char *di;

	*err = inode_location(sbi, ino, &block, &offset);
	if (*err)
		return NULL;
	*err = ext2l_bdev_read(sbi->s_bdev, block, b);
	if (*err)
		return NULL;
	di = b + offset;
	if (get_le16(di + DI_LINKS) == 0 || get_le16(di + DI_MODE) == 0) {
		*err = -ENOENT; /* a free inode */
		return NULL;
	}
	ei = kzalloc(sizeof(*ei), GFP_KERNEL);
	if (!ei) {
		*err = -ENOMEM;
		return NULL;
	}
	kref_init(&ei->i_ref);
	INIT_LIST_HEAD(&ei->i_cache);
	mutex_init(&ei->i_mutex);
	for (i = 0; i < EXT2L_N_BLOCKS; i++)
		ei->i_data[i] = get_le32(di + DI_BLOCK + 4 * i);
	ei->i_blocks = get_le32(di + DI_BLOCKS);
	ei->i_dirty = 0;
	ei->vfs_inode.i_ino = ino;
	ei->vfs_inode.i_mode = (unsigned short)get_le16(di + DI_MODE);
	spin_lock_init(&ei->vfs_inode.i_lock);
	ei->vfs_inode.i_size = get_le32(di + DI_SIZE);
	ei->vfs_inode.i_nlink = get_le16(di + DI_LINKS);
	ei->vfs_inode.i_sb = sbi;
	*err = 0;
	return ei;
}

/* Writes the inode back to the inode table; i_mutex held. */
int ext2l_write_inode(struct ext2l_inode_info *ei)
{
	struct inode *inode = &ei->vfs_inode;
	struct ext2l_sb_info *sbi = inode->i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int block, offset, i, size, nlink;
	unsigned char *di;
	int err;

	err = inode_location(sbi, (unsigned int)inode->i_ino, &block, &offset);
	if (err)
		return err;
	err = ext2l_bdev_read(sbi->s_bdev, block, b);
	if (err)
		return err;
	spin_lock(&inode->i_lock);
	size = inode->i_size;
	nlink = inode->i_nlink;
	spin_unlock(&inode->i_lock);

	di = b + offset;
	memset(di, 0, EXT2L_INODE_SIZE);
	put_le16(di + DI_MODE, inode->i_mode);
	put_le32(di + DI_SIZE, size);
	put_le16(di + DI_LINKS, nlink);
	put_le32(di + DI_BLOCKS, ei->i_blocks);
	for (i = 0; i < EXT2L_N_BLOCKS; i++)
		put_le32(di + DI_BLOCK + 4 * i, ei->i_data[i]);
	err = ext2l_bdev_write(sbi->s_bdev, block, b);
	if (!err)
		ei->i_dirty = 0;
	return err;
}

/* Clears inode `ino` in the inode table, as the delete of an inode leaves it. */
static int clear_disk_inode(struct ext2l_sb_info *sbi, unsigned int ino, unsigned int mode)
{
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int block, offset;
	int err;

	err = inode_location(sbi, ino, &block, &offset);
	if (err)
		return err;
	err = ext2l_bdev_read(sbi->s_bdev, block, b);
	if (err)
		return err;
	memset(b + offset, 0, EXT2L_INODE_SIZE);
	/* ext2 keeps the mode and marks the deletion; the "time" is the constant 1. */
	put_le16(b + offset + DI_MODE, mode);
	put_le32(b + offset + DI_DTIME, 1);
	return ext2l_bdev_write(sbi->s_bdev, block, b);
}

struct ext2l_inode_info *ext2l_iget(struct ext2l_sb_info *sbi, unsigned int ino, int *err)
{
	struct ext2l_inode_info *ei, *new_ei;

	mutex_lock(&sbi->s_lock);
	list_for_each_entry(ei, &sbi->s_inodes, i_cache) {
		if (ei->vfs_inode.i_ino == ino && kref_get_unless_zero(&ei->i_ref)) {
			mutex_unlock(&sbi->s_lock);
			*err = 0;
			return ei;
		}
	}
	mutex_unlock(&sbi->s_lock);

	new_ei = read_inode(sbi, ino, err);
	if (!new_ei)
		return NULL;

	/* Someone may have read it meanwhile: theirs wins. */
	mutex_lock(&sbi->s_lock);
	list_for_each_entry(ei, &sbi->s_inodes, i_cache) {
		if (ei->vfs_inode.i_ino == ino && kref_get_unless_zero(&ei->i_ref)) {
			mutex_unlock(&sbi->s_lock);
			kfree(new_ei);
			return ei;
		}
	}
	list_add_tail(&new_ei->i_cache, &sbi->s_inodes);
	sbi->s_cached++;
	mutex_unlock(&sbi->s_lock);
	return new_ei;
}

static int truncate_blocks(struct ext2l_inode_info *ei, unsigned int keep);
static int is_fast_symlink(struct ext2l_inode_info *ei);

/* The last reference is gone: leave the cache, then write the inode back, or delete it if it
 * has no links. Errors cannot be returned from here; the fs is left as far as it got. */
void ext2l_inode_release(struct kref *ref)
{
	struct ext2l_inode_info *ei = container_of(ref, struct ext2l_inode_info, i_ref);
	struct inode *inode = &ei->vfs_inode;
	struct ext2l_sb_info *sbi = inode->i_sb;
	unsigned int nlink;

	mutex_lock(&sbi->s_lock);
	list_del(&ei->i_cache);
	sbi->s_cached--;
	mutex_unlock(&sbi->s_lock);

	spin_lock(&inode->i_lock);
	nlink = inode->i_nlink;
	spin_unlock(&inode->i_lock);

	mutex_lock(&ei->i_mutex);
	if (nlink == 0) {
		int is_dir = (inode->i_mode & EXT2L_S_IFMT) == EXT2L_S_IFDIR;

		if ((is_fast_symlink(ei) || !truncate_blocks(ei, 0)) &&
		    !clear_disk_inode(sbi, (unsigned int)inode->i_ino, inode->i_mode))
			ext2l_free_inode(sbi, (unsigned int)inode->i_ino, is_dir);
	} else if (ei->i_dirty) {
		ext2l_write_inode(ei);
	}
	mutex_unlock(&ei->i_mutex);
	kfree(ei);
}

void ext2l_iput(struct ext2l_inode_info *ei)
{
	kref_put(&ei->i_ref, ext2l_inode_release);
}

/* ---- block map ---- */

/* The disk block of logical block `lblk`; with `create`, allocates missing blocks (and the
 * indirect block). 0 in *pblk is a hole. i_mutex held. */
int ext2l_bmap(struct ext2l_inode_info *ei, unsigned int lblk, int create, unsigned int *pblk)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char ind[EXT2L_BLOCK_SIZE];
	unsigned int nr, slot;
	int err;

	*pblk = 0;
	if (lblk >= EXT2L_MAX_FILE_BLOCKS)
		return -EFBIG;
	if (lblk < EXT2L_NDIR_BLOCKS) {
		if (ei->i_data[lblk] == 0 && create) {
			err = ext2l_new_block(sbi, &nr);
			if (err)
				return err;
			ei->i_data[lblk] = nr;
			ei->i_blocks += EXT2L_BLOCK_SIZE / 512;
			ei->i_dirty = 1;
		}
		*pblk = ei->i_data[lblk];
		return 0;
	}
	slot = lblk - EXT2L_NDIR_BLOCKS;
	if (ei->i_data[EXT2L_IND_BLOCK] == 0) {
		if (!create)
			return 0;
		err = ext2l_new_block(sbi, &nr);
		if (err)
			return err;
		ei->i_data[EXT2L_IND_BLOCK] = nr;
		ei->i_blocks += EXT2L_BLOCK_SIZE / 512;
		ei->i_dirty = 1;
	}
	err = ext2l_bdev_read(sbi->s_bdev, ei->i_data[EXT2L_IND_BLOCK], ind);
	if (err)
		return err;
	nr = get_le32(ind + 4 * slot);
	if (nr == 0 && create) {
		err = ext2l_new_block(sbi, &nr);
		if (err)
			return err;
		put_le32(ind + 4 * slot, nr);
		err = ext2l_bdev_write(sbi->s_bdev, ei->i_data[EXT2L_IND_BLOCK], ind);
		if (err) {
			ext2l_free_block(sbi, nr);
			return err;
		}
		ei->i_blocks += EXT2L_BLOCK_SIZE / 512;
		ei->i_dirty = 1;
	}
	*pblk = nr;
	return 0;
}

/* Frees the blocks from logical block `keep` on; i_mutex held. */
static int truncate_blocks(struct ext2l_inode_info *ei, unsigned int keep)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char ind[EXT2L_BLOCK_SIZE];
	unsigned int i, nr, ind_block;
	int err, any_left = 0, changed = 0;

	for (i = keep; i < EXT2L_NDIR_BLOCKS; i++) {
		if (ei->i_data[i] == 0)
			continue;
		err = ext2l_free_block(sbi, ei->i_data[i]);
		if (err)
			return err;
		ei->i_data[i] = 0;
		ei->i_blocks -= EXT2L_BLOCK_SIZE / 512;
		ei->i_dirty = 1;
	}
	ind_block = ei->i_data[EXT2L_IND_BLOCK];
	if (ind_block == 0)
		return 0;
	err = ext2l_bdev_read(sbi->s_bdev, ind_block, ind);
	if (err)
		return err;
	for (i = 0; i < EXT2L_ADDR_PER_BLOCK; i++) {
		nr = get_le32(ind + 4 * i);
		if (nr == 0)
			continue;
		if (EXT2L_NDIR_BLOCKS + i < keep) {
			any_left = 1;
			continue;
		}
		err = ext2l_free_block(sbi, nr);
		if (err)
			return err;
		put_le32(ind + 4 * i, 0);
		ei->i_blocks -= EXT2L_BLOCK_SIZE / 512;
		ei->i_dirty = 1;
		changed = 1;
	}
	if (!any_left) {
		err = ext2l_free_block(sbi, ind_block);
		if (err)
			return err;
		ei->i_data[EXT2L_IND_BLOCK] = 0;
		ei->i_blocks -= EXT2L_BLOCK_SIZE / 512;
		ei->i_dirty = 1;
	} else if (changed) {
		err = ext2l_bdev_write(sbi->s_bdev, ind_block, ind);
		if (err)
			return err;
	}
	return 0;
}

/* ---- files ---- */

static unsigned int inode_size(struct inode *inode)
{
	unsigned int size;

	spin_lock(&inode->i_lock);
	size = inode->i_size;
	spin_unlock(&inode->i_lock);
	return size;
}

static void set_inode_size(struct inode *inode, unsigned int size)
{
	spin_lock(&inode->i_lock);
	inode->i_size = size;
	spin_unlock(&inode->i_lock);
}

static int is_dir_mode(unsigned int mode)
{
	return (mode & EXT2L_S_IFMT) == EXT2L_S_IFDIR;
}

static int is_symlink_mode(unsigned int mode)
{
	return (mode & EXT2L_S_IFMT) == EXT2L_S_IFLNK;
}

/* A fast symlink keeps its target in i_data, which holds no block numbers; i_mutex held. */
static int is_fast_symlink(struct ext2l_inode_info *ei)
{
	return is_symlink_mode(ei->vfs_inode.i_mode) && ei->i_blocks == 0;
}

ssize_t ext2l_file_read(struct ext2l_inode_info *ei, unsigned int pos, void *buf, size_t len)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned char *out = buf;
	size_t done = 0;
	unsigned int size;
	int err = 0;

	mutex_lock(&ei->i_mutex);
	size = inode_size(&ei->vfs_inode);
	if (pos >= size) {
		mutex_unlock(&ei->i_mutex);
		return 0;
	}
	if (len > size - pos)
		len = size - pos;
	while (done < len) {
		unsigned int at = pos + (unsigned int)done;
		unsigned int lblk = at / EXT2L_BLOCK_SIZE, off = at % EXT2L_BLOCK_SIZE, pblk;
		size_t chunk = EXT2L_BLOCK_SIZE - off;

		if (chunk > len - done)
			chunk = len - done;
		err = ext2l_bmap(ei, lblk, 0, &pblk);
		if (err)
			break;
		if (pblk == 0) {
			memset(out + done, 0, chunk);
		} else {
			err = ext2l_bdev_read(sbi->s_bdev, pblk, b);
			if (err)
				break;
			memcpy(out + done, b + off, chunk);
		}
		done += chunk;
	}
	mutex_unlock(&ei->i_mutex);
	if (err && done == 0)
		return err;
	return (ssize_t)done;
}

ssize_t ext2l_file_write(struct ext2l_inode_info *ei, unsigned int pos, const void *buf,
			 size_t len)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	const unsigned char *in = buf;
	size_t done = 0;
	unsigned int size;
	int err = 0, werr;

	if (fs_readonly(sbi))
		return -EROFS;
	if (is_dir_mode(ei->vfs_inode.i_mode))
		return -EISDIR;
	if ((unsigned long long)pos + len > (unsigned long long)EXT2L_MAX_FILE_BLOCKS * EXT2L_BLOCK_SIZE)
		return -EFBIG;
	mutex_lock(&ei->i_mutex);
	while (done < len) {
		unsigned int at = pos + (unsigned int)done;
		unsigned int lblk = at / EXT2L_BLOCK_SIZE, off = at % EXT2L_BLOCK_SIZE, pblk;
		size_t chunk = EXT2L_BLOCK_SIZE - off;

		if (chunk > len - done)
			chunk = len - done;
		err = ext2l_bmap(ei, lblk, 1, &pblk);
		if (err)
			break;
		if (chunk != EXT2L_BLOCK_SIZE) {
			err = ext2l_bdev_read(sbi->s_bdev, pblk, b);
			if (err)
				break;
		}
		memcpy(b + off, in + done, chunk);
		err = ext2l_bdev_write(sbi->s_bdev, pblk, b);
		if (err)
			break;
		done += chunk;
	}
	size = inode_size(&ei->vfs_inode);
	if (pos + done > size) {
		set_inode_size(&ei->vfs_inode, pos + (unsigned int)done);
		ei->i_dirty = 1;
	}
	werr = ei->i_dirty ? ext2l_write_inode(ei) : 0;
	mutex_unlock(&ei->i_mutex);
	if (err && done == 0)
		return err;
	if (werr)
		return werr;
	return (ssize_t)done;
}

int ext2l_truncate(struct ext2l_inode_info *ei, unsigned int size)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int keep, pblk, old;
	int err;

	if (fs_readonly(sbi))
		return -EROFS;
	if (is_dir_mode(ei->vfs_inode.i_mode))
		return -EISDIR;
	if (size > EXT2L_MAX_FILE_BLOCKS * EXT2L_BLOCK_SIZE)
		return -EFBIG;
	mutex_lock(&ei->i_mutex);
	old = inode_size(&ei->vfs_inode);
	keep = (size + EXT2L_BLOCK_SIZE - 1) / EXT2L_BLOCK_SIZE;
	err = truncate_blocks(ei, keep);
	if (!err && size < old && size % EXT2L_BLOCK_SIZE != 0) {
		/* Zero the tail of the last block, so that growing the file again reads zeros. */
		err = ext2l_bmap(ei, size / EXT2L_BLOCK_SIZE, 0, &pblk);
		if (!err && pblk != 0) {
			err = ext2l_bdev_read(sbi->s_bdev, pblk, b);
			if (!err) {
				memset(b + size % EXT2L_BLOCK_SIZE, 0,
				       EXT2L_BLOCK_SIZE - size % EXT2L_BLOCK_SIZE);
				err = ext2l_bdev_write(sbi->s_bdev, pblk, b);
			}
		}
	}
	if (!err) {
		set_inode_size(&ei->vfs_inode, size);
		err = ext2l_write_inode(ei);
	}
	mutex_unlock(&ei->i_mutex);
	return err;
}

/* Zeroes bytes [from, to) of logical block `lblk`, if it is mapped; i_mutex held. */
static int zero_in_block(struct ext2l_inode_info *ei, unsigned int lblk, unsigned int from,
			 unsigned int to)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int pblk;
	int err;

	err = ext2l_bmap(ei, lblk, 0, &pblk);
	if (err || pblk == 0)
		return err;
	err = ext2l_bdev_read(sbi->s_bdev, pblk, b);
	if (err)
		return err;
	memset(b + from, 0, to - from);
	return ext2l_bdev_write(sbi->s_bdev, pblk, b);
}

/* Unmaps and frees logical block `lblk`, if it is mapped; i_mutex held. */
static int free_lblk(struct ext2l_inode_info *ei, unsigned int lblk)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char ind[EXT2L_BLOCK_SIZE];
	unsigned int nr, slot;
	int err;

	if (lblk < EXT2L_NDIR_BLOCKS) {
		nr = ei->i_data[lblk];
		if (nr == 0)
			return 0;
		err = ext2l_free_block(sbi, nr);
		if (err)
			return err;
		ei->i_data[lblk] = 0;
	} else {
		if (ei->i_data[EXT2L_IND_BLOCK] == 0)
			return 0;
		slot = lblk - EXT2L_NDIR_BLOCKS;
		err = ext2l_bdev_read(sbi->s_bdev, ei->i_data[EXT2L_IND_BLOCK], ind);
		if (err)
			return err;
		nr = get_le32(ind + 4 * slot);
		if (nr == 0)
			return 0;
		err = ext2l_free_block(sbi, nr);
		if (err)
			return err;
		put_le32(ind + 4 * slot, 0);
		err = ext2l_bdev_write(sbi->s_bdev, ei->i_data[EXT2L_IND_BLOCK], ind);
		if (err)
			return err;
	}
	ei->i_blocks -= EXT2L_BLOCK_SIZE / 512;
	ei->i_dirty = 1;
	return 0;
}

/* Frees the indirect block once it maps nothing; i_mutex held. */
static int drop_empty_indirect(struct ext2l_inode_info *ei)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char ind[EXT2L_BLOCK_SIZE];
	unsigned int i;
	int err;

	if (ei->i_data[EXT2L_IND_BLOCK] == 0)
		return 0;
	err = ext2l_bdev_read(sbi->s_bdev, ei->i_data[EXT2L_IND_BLOCK], ind);
	if (err)
		return err;
	for (i = 0; i < EXT2L_ADDR_PER_BLOCK; i++)
		if (get_le32(ind + 4 * i) != 0)
			return 0;
	err = ext2l_free_block(sbi, ei->i_data[EXT2L_IND_BLOCK]);
	if (err)
		return err;
	ei->i_data[EXT2L_IND_BLOCK] = 0;
	ei->i_blocks -= EXT2L_BLOCK_SIZE / 512;
	ei->i_dirty = 1;
	return 0;
}

/* Punches a hole: frees the whole blocks inside [pos, pos + len) and zeroes the partial ones
 * at its ends; the size does not change (fallocate's PUNCH_HOLE | KEEP_SIZE). */
int ext2l_punch(struct ext2l_inode_info *ei, unsigned int pos, unsigned int len)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned int size, end, first, last, l;
	int err = 0;

	if (fs_readonly(sbi))
		return -EROFS;
	if (is_dir_mode(ei->vfs_inode.i_mode))
		return -EISDIR;
	if (is_symlink_mode(ei->vfs_inode.i_mode))
		return -EINVAL;
	mutex_lock(&ei->i_mutex);
	size = inode_size(&ei->vfs_inode);
	if (pos >= size || len == 0)
		goto out;
	end = len > size - pos ? size : pos + len;
	first = pos / EXT2L_BLOCK_SIZE;
	last = (end - 1) / EXT2L_BLOCK_SIZE;
	for (l = first; l <= last && !err; l++) {
		unsigned int from = l == first ? pos % EXT2L_BLOCK_SIZE : 0;
		unsigned int to = l == last ? (end - 1) % EXT2L_BLOCK_SIZE + 1 : EXT2L_BLOCK_SIZE;

		if (from == 0 && to == EXT2L_BLOCK_SIZE)
			err = free_lblk(ei, l);
		else
			err = zero_in_block(ei, l, from, to);
	}
	if (!err)
		err = drop_empty_indirect(ei);
	if (!err && ei->i_dirty)
		err = ext2l_write_inode(ei);
out:
	mutex_unlock(&ei->i_mutex);
	return err;
}

/* ---- directories ---- */

static int check_name(const char *name, unsigned int *len)
{
	size_t n = strlen(name);

	if (n == 0)
		return -EINVAL;
	if (n > EXT2L_NAME_LEN)
		return -ENAMETOOLONG;
	if (memchr(name, '/', n))
		return -EINVAL;
	*len = (unsigned int)n;
	return 0;
}

/* Checks one entry header at `off` in a directory block; -EIO if it is corrupt. */
static int check_dirent(const unsigned char *b, unsigned int off)
{
	unsigned int rec_len, name_len;

	if (off + DE_NAME > EXT2L_BLOCK_SIZE)
		return -EIO;
	rec_len = get_le16(b + off + DE_REC_LEN);
	name_len = b[off + DE_NAME_LEN];
	if (rec_len < DE_NAME || rec_len % 4 != 0 || off + rec_len > EXT2L_BLOCK_SIZE ||
	    dirent_size(name_len) > rec_len)
		return -EIO;
	return 0;
}

/* Finds `name` in `dir`: its block index, the offset of its entry and of the previous entry in
 * the same block (or -1). i_mutex held. */
static int find_entry(struct ext2l_inode_info *dir, const char *name, unsigned int len,
		      unsigned char *b, unsigned int *lblk_out, unsigned int *off_out,
		      int *prev_out)
{
	struct ext2l_sb_info *sbi = dir->vfs_inode.i_sb;
	unsigned int nblocks = inode_size(&dir->vfs_inode) / EXT2L_BLOCK_SIZE;
	unsigned int lblk, off, pblk;
	int err, prev;

	for (lblk = 0; lblk < nblocks; lblk++) {
		err = ext2l_bmap(dir, lblk, 0, &pblk);
		if (err)
			return err;
		if (pblk == 0)
			return -EIO;
		err = ext2l_bdev_read(sbi->s_bdev, pblk, b);
		if (err)
			return err;
		prev = -1;
		for (off = 0; off < EXT2L_BLOCK_SIZE;) {
			err = check_dirent(b, off);
			if (err) {
				ext2l_error(sbi);
				return err;
			}
			if (get_le32(b + off + DE_INODE) != 0 && b[off + DE_NAME_LEN] == len &&
			    memcmp(b + off + DE_NAME, name, len) == 0) {
				*lblk_out = lblk;
				*off_out = off;
				*prev_out = prev;
				return 0;
			}
			prev = (int)off;
			off += get_le16(b + off + DE_REC_LEN);
		}
	}
	return -ENOENT;
}

int ext2l_lookup(struct ext2l_inode_info *dir, const char *name, unsigned int *ino)
{
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int len, lblk, off;
	int err, prev;

	if (!is_dir_mode(dir->vfs_inode.i_mode))
		return -ENOTDIR;
	err = check_name(name, &len);
	if (err)
		return err;
	mutex_lock(&dir->i_mutex);
	err = find_entry(dir, name, len, b, &lblk, &off, &prev);
	if (!err)
		*ino = get_le32(b + off + DE_INODE);
	mutex_unlock(&dir->i_mutex);
	return err;
}

static void write_dirent(unsigned char *b, unsigned int off, unsigned int ino,
			 unsigned int rec_len, const char *name, unsigned int len,
			 unsigned int file_type)
{
	put_le32(b + off + DE_INODE, ino);
	put_le16(b + off + DE_REC_LEN, rec_len);
	b[off + DE_NAME_LEN] = (unsigned char)len;
	b[off + DE_FILE_TYPE] = (unsigned char)file_type;
	memcpy(b + off + DE_NAME, name, len);
	memset(b + off + DE_NAME + len, 0, dirent_size(len) - DE_NAME - len);
}

/* Adds an entry; i_mutex held. -EEXIST if the name is there, -ENOSPC if the directory is full
 * (all EXT2L_DIR_MAX_BLOCKS blocks used). */
static int add_entry_locked(struct ext2l_inode_info *dir, const char *name, unsigned int len,
			    unsigned int ino, unsigned int file_type)
{
	struct ext2l_sb_info *sbi = dir->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int need = dirent_size(len);
	unsigned int nblocks = inode_size(&dir->vfs_inode) / EXT2L_BLOCK_SIZE;
	unsigned int lblk, off, pblk, tmp_lblk, tmp_off;
	int err, tmp_prev;

	err = find_entry(dir, name, len, b, &tmp_lblk, &tmp_off, &tmp_prev);
	if (err == 0)
		return -EEXIST;
	if (err != -ENOENT)
		return err;

	for (lblk = 0; lblk < nblocks; lblk++) {
		err = ext2l_bmap(dir, lblk, 0, &pblk);
		if (err)
			return err;
		err = ext2l_bdev_read(sbi->s_bdev, pblk, b);
		if (err)
			return err;
		for (off = 0; off < EXT2L_BLOCK_SIZE;) {
			unsigned int rec_len = get_le16(b + off + DE_REC_LEN);
			unsigned int used = get_le32(b + off + DE_INODE) ?
						    dirent_size(b[off + DE_NAME_LEN]) :
						    0;

			if (rec_len - used >= need) {
				if (used == 0) {
					write_dirent(b, off, ino, rec_len, name, len, file_type);
				} else {
					put_le16(b + off + DE_REC_LEN, used);
					write_dirent(b, off + used, ino, rec_len - used, name, len,
						     file_type);
				}
				return ext2l_bdev_write(sbi->s_bdev, pblk, b);
			}
			off += rec_len;
		}
	}
	if (nblocks >= EXT2L_DIR_MAX_BLOCKS)
		return -ENOSPC;
	err = ext2l_bmap(dir, nblocks, 1, &pblk);
	if (err)
		return err;
	memset(b, 0, sizeof(b));
	write_dirent(b, 0, ino, EXT2L_BLOCK_SIZE, name, len, file_type);
	err = ext2l_bdev_write(sbi->s_bdev, pblk, b);
	if (err)
		return err;
	set_inode_size(&dir->vfs_inode, (nblocks + 1) * EXT2L_BLOCK_SIZE);
	return ext2l_write_inode(dir);
}

int ext2l_add_entry(struct ext2l_inode_info *dir, const char *name, unsigned int ino,
		    unsigned int file_type)
{
	unsigned int len;
	int err;

	if (!is_dir_mode(dir->vfs_inode.i_mode))
		return -ENOTDIR;
	err = check_name(name, &len);
	if (err)
		return err;
	mutex_lock(&dir->i_mutex);
	err = add_entry_locked(dir, name, len, ino, file_type);
	mutex_unlock(&dir->i_mutex);
	return err;
}

int ext2l_remove_entry(struct ext2l_inode_info *dir, const char *name)
{
	struct ext2l_sb_info *sbi = dir->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int len, lblk, off, pblk;
	int err, prev;

	err = check_name(name, &len);
	if (err)
		return err;
	mutex_lock(&dir->i_mutex);
	err = find_entry(dir, name, len, b, &lblk, &off, &prev);
	if (err)
		goto out;
	if (prev >= 0) {
		/* Merge into the previous entry. */
		unsigned int p = (unsigned int)prev;

		put_le16(b + p + DE_REC_LEN,
			 get_le16(b + p + DE_REC_LEN) + get_le16(b + off + DE_REC_LEN));
	} else {
		put_le32(b + off + DE_INODE, 0);
	}
	err = ext2l_bmap(dir, lblk, 0, &pblk);
	if (!err)
		err = ext2l_bdev_write(sbi->s_bdev, pblk, b);
out:
	mutex_unlock(&dir->i_mutex);
	return err;
}

int ext2l_readdir(struct ext2l_inode_info *dir, ext2l_filldir_t filldir, void *ctx)
{
	struct ext2l_sb_info *sbi = dir->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int nblocks, lblk, off, pblk;
	int err = 0;

	if (!is_dir_mode(dir->vfs_inode.i_mode))
		return -ENOTDIR;
	mutex_lock(&dir->i_mutex);
	nblocks = inode_size(&dir->vfs_inode) / EXT2L_BLOCK_SIZE;
	for (lblk = 0; lblk < nblocks && !err; lblk++) {
		err = ext2l_bmap(dir, lblk, 0, &pblk);
		if (err)
			break;
		err = ext2l_bdev_read(sbi->s_bdev, pblk, b);
		if (err)
			break;
		for (off = 0; off < EXT2L_BLOCK_SIZE;) {
			unsigned int ino;

			err = check_dirent(b, off);
			if (err) {
				ext2l_error(sbi);
				break;
			}
			ino = get_le32(b + off + DE_INODE);
			if (ino != 0 && filldir(ctx, (const char *)b + off + DE_NAME,
						b[off + DE_NAME_LEN], ino, b[off + DE_FILE_TYPE])) {
				goto out;
			}
			off += get_le16(b + off + DE_REC_LEN);
		}
	}
out:
	mutex_unlock(&dir->i_mutex);
	return err;
}

/* Whether a directory holds only "." and "..". */
static int dir_is_empty(struct ext2l_inode_info *dir, int *empty)
{
	struct ext2l_sb_info *sbi = dir->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int nblocks, lblk, off, pblk;
	int err;

	*empty = 1;
	mutex_lock(&dir->i_mutex);
	nblocks = inode_size(&dir->vfs_inode) / EXT2L_BLOCK_SIZE;
	for (lblk = 0; lblk < nblocks; lblk++) {
		err = ext2l_bmap(dir, lblk, 0, &pblk);
		if (!err)
			err = ext2l_bdev_read(sbi->s_bdev, pblk, b);
		if (err)
			goto out;
		for (off = 0; off < EXT2L_BLOCK_SIZE;) {
			unsigned int name_len;

			err = check_dirent(b, off);
			if (err) {
				ext2l_error(sbi);
				goto out;
			}
			name_len = b[off + DE_NAME_LEN];
			if (get_le32(b + off + DE_INODE) != 0 &&
			    !(name_len == 1 && b[off + DE_NAME] == '.') &&
			    !(name_len == 2 && b[off + DE_NAME] == '.' &&
			      b[off + DE_NAME + 1] == '.')) {
				*empty = 0;
				goto out;
			}
			off += get_le16(b + off + DE_REC_LEN);
		}
	}
	err = 0;
out:
	mutex_unlock(&dir->i_mutex);
	return err;
}

static void change_nlink(struct inode *inode, int delta)
{
	spin_lock(&inode->i_lock);
	inode->i_nlink = (unsigned int)((int)inode->i_nlink + delta);
	spin_unlock(&inode->i_lock);
}

/* Fills a new inode's contents: a directory's first block, or a symlink's target (in i_data
 * for a fast one, in a block for a slow one). i_mutex held. */
static int init_new_inode(struct ext2l_inode_info *ei, unsigned int parent, const char *target)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int pblk, len, i;
	int err;

	if (is_dir_mode(ei->vfs_inode.i_mode)) {
		err = ext2l_bmap(ei, 0, 1, &pblk);
		if (err)
			return err;
		init_dir_block(b, (unsigned int)ei->vfs_inode.i_ino, parent);
		err = ext2l_bdev_write(sbi->s_bdev, pblk, b);
		if (err)
			return err;
		set_inode_size(&ei->vfs_inode, EXT2L_BLOCK_SIZE);
		return ext2l_write_inode(ei);
	}
	if (!is_symlink_mode(ei->vfs_inode.i_mode))
		return 0;
	len = (unsigned int)strlen(target);
	memset(b, 0, sizeof(b));
	memcpy(b, target, len);
	if (len <= EXT2L_FAST_SYMLINK_LEN) {
		for (i = 0; i < EXT2L_N_BLOCKS; i++)
			ei->i_data[i] = get_le32(b + 4 * i);
	} else {
		err = ext2l_bmap(ei, 0, 1, &pblk);
		if (err)
			return err;
		err = ext2l_bdev_write(sbi->s_bdev, pblk, b);
		if (err)
			return err;
	}
	set_inode_size(&ei->vfs_inode, len);
	return ext2l_write_inode(ei);
}

/* Makes a new inode of `mode`'s type and links it in `dir` as `name`. */
static int do_create(struct ext2l_inode_info *dir, const char *name, unsigned int mode,
		     const char *target, unsigned int *ino)
{
	struct ext2l_sb_info *sbi = dir->vfs_inode.i_sb;
	struct ext2l_inode_info *ei;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int len, nr, existing, block, offset, file_type;
	int err, is_dir = is_dir_mode(mode);

	if (fs_readonly(sbi))
		return -EROFS;
	if (!is_dir_mode(dir->vfs_inode.i_mode))
		return -ENOTDIR;
	err = check_name(name, &len);
	if (err)
		return err;
	err = ext2l_lookup(dir, name, &existing);
	if (err == 0)
		return -EEXIST;
	if (err != -ENOENT)
		return err;

	err = ext2l_new_inode(sbi, is_dir, &nr);
	if (err)
		return err;
	/* Write the new on-disk inode, then read it through the cache. */
	err = inode_location(sbi, nr, &block, &offset);
	if (!err)
		err = ext2l_bdev_read(sbi->s_bdev, block, b);
	if (err)
		goto free_ino;
	memset(b + offset, 0, EXT2L_INODE_SIZE);
	put_le16(b + offset + DI_MODE, mode);
	put_le16(b + offset + DI_LINKS, is_dir ? 2 : 1);
	err = ext2l_bdev_write(sbi->s_bdev, block, b);
	if (err)
		goto free_ino;
	ei = ext2l_iget(sbi, nr, &err);
	if (!ei)
		goto free_ino;

	mutex_lock(&ei->i_mutex);
	err = init_new_inode(ei, (unsigned int)dir->vfs_inode.i_ino, target);
	mutex_unlock(&ei->i_mutex);
	file_type = is_dir ? EXT2L_FT_DIR :
			     is_symlink_mode(mode) ? EXT2L_FT_SYMLINK : EXT2L_FT_REG_FILE;
	if (!err)
		err = ext2l_add_entry(dir, name, nr, file_type);
	if (err) {
		/* Undo: no links, so the last put frees its blocks and the inode. */
		change_nlink(&ei->vfs_inode, -(int)(is_dir ? 2 : 1));
		ext2l_iput(ei);
		return err;
	}
	if (is_dir) {
		mutex_lock(&dir->i_mutex);
		change_nlink(&dir->vfs_inode, 1);
		err = ext2l_write_inode(dir);
		mutex_unlock(&dir->i_mutex);
	}
	ext2l_iput(ei);
	if (!err)
		*ino = nr;
	return err;

free_ino:
	ext2l_free_inode(sbi, nr, is_dir);
	return err;
}

/* Makes a new file, or a directory with its first block, and links it in `dir`. */
int ext2l_create(struct ext2l_inode_info *dir, const char *name, int is_dir, unsigned int *ino)
{
	return do_create(dir, name, is_dir ? (EXT2L_S_IFDIR | 0755) : (EXT2L_S_IFREG | 0644),
			 NULL, ino);
}

int ext2l_symlink(struct ext2l_inode_info *dir, const char *name, const char *target,
		  unsigned int *ino)
{
	size_t len = strlen(target);

	if (len == 0)
		return -ENOENT;
	if (len >= EXT2L_BLOCK_SIZE)
		return -ENAMETOOLONG;
	return do_create(dir, name, EXT2L_S_IFLNK | 0777, target, ino);
}

ssize_t ext2l_readlink(struct ext2l_inode_info *ei, char *buf, size_t size)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int len, pblk, i;
	int err = 0;

	if (!is_symlink_mode(ei->vfs_inode.i_mode))
		return -EINVAL;
	mutex_lock(&ei->i_mutex);
	len = inode_size(&ei->vfs_inode);
	if (len >= EXT2L_BLOCK_SIZE) {
		err = -EIO;
	} else if (is_fast_symlink(ei)) {
		for (i = 0; i < EXT2L_N_BLOCKS; i++)
			put_le32(b + 4 * i, ei->i_data[i]);
		if (len > EXT2L_FAST_SYMLINK_LEN)
			err = -EIO;
	} else {
		err = ext2l_bmap(ei, 0, 0, &pblk);
		if (!err && pblk == 0)
			err = -EIO;
		if (!err)
			err = ext2l_bdev_read(sbi->s_bdev, pblk, b);
	}
	mutex_unlock(&ei->i_mutex);
	if (err)
		return err;
	if (len > size)
		len = (unsigned int)size;
	memcpy(buf, b, len);
	return (ssize_t)len;
}

int ext2l_unlink(struct ext2l_inode_info *dir, const char *name)
{
	struct ext2l_sb_info *sbi = dir->vfs_inode.i_sb;
	struct ext2l_inode_info *ei;
	unsigned int ino;
	int err;

	if (fs_readonly(sbi))
		return -EROFS;
	err = ext2l_lookup(dir, name, &ino);
	if (err)
		return err;
	ei = ext2l_iget(sbi, ino, &err);
	if (!ei)
		return err;
	if (is_dir_mode(ei->vfs_inode.i_mode)) {
		ext2l_iput(ei);
		return -EISDIR;
	}
	err = ext2l_remove_entry(dir, name);
	if (!err) {
		mutex_lock(&ei->i_mutex);
		change_nlink(&ei->vfs_inode, -1);
		err = ext2l_write_inode(ei);
		mutex_unlock(&ei->i_mutex);
	}
	ext2l_iput(ei);
	return err;
}

int ext2l_rmdir(struct ext2l_inode_info *dir, const char *name)
{
	struct ext2l_sb_info *sbi = dir->vfs_inode.i_sb;
	struct ext2l_inode_info *ei;
	unsigned int ino;
	int err, empty;

	if (fs_readonly(sbi))
		return -EROFS;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	err = ext2l_lookup(dir, name, &ino);
	if (err)
		return err;
	ei = ext2l_iget(sbi, ino, &err);
	if (!ei)
		return err;
	if (!is_dir_mode(ei->vfs_inode.i_mode)) {
		ext2l_iput(ei);
		return -ENOTDIR;
	}
	err = dir_is_empty(ei, &empty);
	if (!err && !empty)
		err = -ENOTEMPTY;
	if (!err)
		err = ext2l_remove_entry(dir, name);
	if (!err) {
		mutex_lock(&ei->i_mutex);
		change_nlink(&ei->vfs_inode, -2);
		err = ext2l_write_inode(ei);
		mutex_unlock(&ei->i_mutex);
	}
	if (!err) {
		mutex_lock(&dir->i_mutex);
		change_nlink(&dir->vfs_inode, -1);
		err = ext2l_write_inode(dir);
		mutex_unlock(&dir->i_mutex);
	}
	ext2l_iput(ei);
	return err;
}

/* ---- paths ---- */

/* Copies the next component of `*path` into `name` and advances; 0 at the end. */
static int next_component(const char **path, char *name)
{
	const char *p = *path, *start;
	size_t n;

	while (*p == '/')
		p++;
	if (*p == '\0') {
		*path = p;
		return 0;
	}
	start = p;
	while (*p && *p != '/')
		p++;
	n = (size_t)(p - start);
	if (n > EXT2L_NAME_LEN)
		return -ENAMETOOLONG;
	memcpy(name, start, n);
	name[n] = '\0';
	*path = p;
	return 1;
}

/* Walks `path` from directory `start` (whose reference it takes over), following symlinks:
 * relative targets from the link's directory, absolute ones from the root. */
static int walk(struct ext2l_sb_info *sbi, struct ext2l_inode_info *start, const char *path,
		int depth, struct ext2l_inode_info **out)
{
	char name[EXT2L_NAME_LEN + 1];
	char target[EXT2L_BLOCK_SIZE];
	struct ext2l_inode_info *ei = start, *next;
	unsigned int ino;
	ssize_t n;
	int err, r;

	if (*path == '/') {
		ext2l_iput(ei);
		ei = ext2l_iget(sbi, EXT2L_ROOT_INO, &err);
		if (!ei)
			return err;
	}
	while ((r = next_component(&path, name)) > 0) {
		err = ext2l_lookup(ei, name, &ino);
		if (err) {
			ext2l_iput(ei);
			return err;
		}
		next = ext2l_iget(sbi, ino, &err);
		if (!next) {
			ext2l_iput(ei);
			return err;
		}
		if (!is_symlink_mode(next->vfs_inode.i_mode)) {
			ext2l_iput(ei);
			ei = next;
			continue;
		}
		if (depth >= EXT2L_MAX_SYMLINKS) {
			ext2l_iput(next);
			ext2l_iput(ei);
			return -ELOOP;
		}
		n = ext2l_readlink(next, target, sizeof(target) - 1);
		ext2l_iput(next);
		if (n < 0) {
			ext2l_iput(ei);
			return (int)n;
		}
		target[n] = '\0';
		err = walk(sbi, ei, target, depth + 1, &next);
		if (err)
			return err;
		ei = next;
	}
	if (r < 0) {
		ext2l_iput(ei);
		return r;
	}
	*out = ei;
	return 0;
}

int ext2l_namei(struct ext2l_sb_info *sbi, const char *path, struct ext2l_inode_info **out)
{
	struct ext2l_inode_info *root;
	int err;

	root = ext2l_iget(sbi, EXT2L_ROOT_INO, &err);
	if (!root)
		return err;
	return walk(sbi, root, path, 0, out);
}

/* The parent directory of `path` and its last component. */
static int namei_parent(struct ext2l_sb_info *sbi, const char *path,
			struct ext2l_inode_info **dir, char *last)
{
	char parent[256];
	const char *slash;
	size_t plen;
	int r;

	while (*path == '/')
		path++;
	slash = strrchr(path, '/');
	if (slash) {
		plen = (size_t)(slash - path);
		if (plen >= sizeof(parent))
			return -ENAMETOOLONG;
		memcpy(parent, path, plen);
		parent[plen] = '\0';
		path = slash + 1;
	} else {
		parent[0] = '\0';
	}
	r = next_component(&path, last);
	if (r < 0)
		return r;
	if (r == 0)
		return -EINVAL;
	return ext2l_namei(sbi, parent, dir);
}

int ext2l_create_path(struct ext2l_sb_info *sbi, const char *path, int is_dir)
{
	char last[EXT2L_NAME_LEN + 1];
	struct ext2l_inode_info *dir;
	unsigned int ino;
	int err;

	err = namei_parent(sbi, path, &dir, last);
	if (err)
		return err;
	err = ext2l_create(dir, last, is_dir, &ino);
	ext2l_iput(dir);
	return err ? err : (int)ino;
}

int ext2l_unlink_path(struct ext2l_sb_info *sbi, const char *path)
{
	char last[EXT2L_NAME_LEN + 1];
	struct ext2l_inode_info *dir;
	int err;

	err = namei_parent(sbi, path, &dir, last);
	if (err)
		return err;
	err = ext2l_unlink(dir, last);
	ext2l_iput(dir);
	return err;
}

int ext2l_rmdir_path(struct ext2l_sb_info *sbi, const char *path)
{
	char last[EXT2L_NAME_LEN + 1];
	struct ext2l_inode_info *dir;
	int err;

	err = namei_parent(sbi, path, &dir, last);
	if (err)
		return err;
	err = ext2l_rmdir(dir, last);
	ext2l_iput(dir);
	return err;
}

int ext2l_symlink_path(struct ext2l_sb_info *sbi, const char *target, const char *linkpath)
{
	char last[EXT2L_NAME_LEN + 1];
	struct ext2l_inode_info *dir;
	unsigned int ino;
	int err;

	err = namei_parent(sbi, linkpath, &dir, last);
	if (err)
		return err;
	err = ext2l_symlink(dir, last, target, &ino);
	ext2l_iput(dir);
	return err ? err : (int)ino;
}

/* Reads the link itself: its last component is not followed. */
ssize_t ext2l_readlink_path(struct ext2l_sb_info *sbi, const char *path, char *buf, size_t size)
{
	char last[EXT2L_NAME_LEN + 1];
	struct ext2l_inode_info *dir, *ei;
	unsigned int ino;
	ssize_t n;
	int err;

	err = namei_parent(sbi, path, &dir, last);
	if (err)
		return err;
	err = ext2l_lookup(dir, last, &ino);
	if (!err) {
		ei = ext2l_iget(sbi, ino, &err);
		if (ei) {
			n = ext2l_readlink(ei, buf, size);
			ext2l_iput(ei);
			ext2l_iput(dir);
			return n;
		}
	}
	ext2l_iput(dir);
	return err;
}

ssize_t ext2l_write_path(struct ext2l_sb_info *sbi, const char *path, unsigned int pos,
			 const void *buf, size_t len)
{
	struct ext2l_inode_info *ei;
	ssize_t n;
	int err;

	err = ext2l_namei(sbi, path, &ei);
	if (err)
		return err;
	n = ext2l_file_write(ei, pos, buf, len);
	ext2l_iput(ei);
	return n;
}

ssize_t ext2l_read_path(struct ext2l_sb_info *sbi, const char *path, unsigned int pos, void *buf,
			size_t len)
{
	struct ext2l_inode_info *ei;
	ssize_t n;
	int err;

	err = ext2l_namei(sbi, path, &ei);
	if (err)
		return err;
	if (is_dir_mode(ei->vfs_inode.i_mode))
		n = -EISDIR;
	else
		n = ext2l_file_read(ei, pos, buf, len);
	ext2l_iput(ei);
	return n;
}

int ext2l_punch_path(struct ext2l_sb_info *sbi, const char *path, unsigned int pos,
		     unsigned int len)
{
	struct ext2l_inode_info *ei;
	int err;

	err = ext2l_namei(sbi, path, &ei);
	if (err)
		return err;
	err = ext2l_punch(ei, pos, len);
	ext2l_iput(ei);
	return err;
}

int ext2l_truncate_path(struct ext2l_sb_info *sbi, const char *path, unsigned int size)
{
	struct ext2l_inode_info *ei;
	int err;

	err = ext2l_namei(sbi, path, &ei);
	if (err)
		return err;
	err = ext2l_truncate(ei, size);
	ext2l_iput(ei);
	return err;
}

/* getattr works on the VFS inode, as the VFS calls it; the fs's part is reached with
 * container_of (EXT2L_I). */
int ext2l_getattr(struct inode *inode, struct ext2l_stat *st)
{
	struct ext2l_inode_info *ei = EXT2L_I(inode);

	st->ino = (unsigned int)inode->i_ino;
	st->mode = inode->i_mode;
	spin_lock(&inode->i_lock);
	st->size = inode->i_size;
	st->nlink = inode->i_nlink;
	spin_unlock(&inode->i_lock);
	mutex_lock(&ei->i_mutex);
	st->blocks = ei->i_blocks;
	mutex_unlock(&ei->i_mutex);
	return 0;
}

int ext2l_stat_path(struct ext2l_sb_info *sbi, const char *path, struct ext2l_stat *st)
{
	struct ext2l_inode_info *ei;
	int err;

	err = ext2l_namei(sbi, path, &ei);
	if (err)
		return err;
	err = ext2l_getattr(&ei->vfs_inode, st);
	ext2l_iput(ei);
	return err;
}

int ext2l_readdir_path(struct ext2l_sb_info *sbi, const char *path, ext2l_filldir_t filldir,
		       void *ctx)
{
	struct ext2l_inode_info *ei;
	int err;

	err = ext2l_namei(sbi, path, &ei);
	if (err)
		return err;
	err = ext2l_readdir(ei, filldir, ctx);
	ext2l_iput(ei);
	return err;
}

/* ---- links and renames ---- */

int ext2l_link(struct ext2l_inode_info *dir, const char *name, struct ext2l_inode_info *ei)
{
	int err;

	if (fs_readonly(dir->vfs_inode.i_sb))
		return -EROFS;
	if (!is_dir_mode(dir->vfs_inode.i_mode))
		return -ENOTDIR;
	if (is_dir_mode(ei->vfs_inode.i_mode))
		return -EPERM; /* no hard links to directories */
	err = ext2l_add_entry(dir, name, (unsigned int)ei->vfs_inode.i_ino, EXT2L_FT_REG_FILE);
	if (err)
		return err;
	mutex_lock(&ei->i_mutex);
	change_nlink(&ei->vfs_inode, 1);
	err = ext2l_write_inode(ei);
	mutex_unlock(&ei->i_mutex);
	return err;
}

/* Points the ".." entry of directory `ei` (the second entry of its first block) at `parent`. */
static int set_dotdot(struct ext2l_inode_info *ei, unsigned int parent)
{
	struct ext2l_sb_info *sbi = ei->vfs_inode.i_sb;
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int pblk;
	int err;

	mutex_lock(&ei->i_mutex);
	err = ext2l_bmap(ei, 0, 0, &pblk);
	if (!err && pblk == 0)
		err = -EIO;
	if (!err)
		err = ext2l_bdev_read(sbi->s_bdev, pblk, b);
	if (!err && (check_dirent(b, 0) || check_dirent(b, 12) || b[12 + DE_NAME_LEN] != 2))
		err = -EIO;
	if (!err) {
		put_le32(b + 12 + DE_INODE, parent);
		err = ext2l_bdev_write(sbi->s_bdev, pblk, b);
	}
	mutex_unlock(&ei->i_mutex);
	return err;
}

/* Whether directory `ino` is `dir` or below it: walks up from `dir` through "..". */
static int is_ancestor(struct ext2l_sb_info *sbi, unsigned int ino, unsigned int dir, int *below)
{
	struct ext2l_inode_info *cur;
	unsigned int at = dir, up;
	int err, steps = 0;

	*below = 0;
	while (1) {
		if (at == ino) {
			*below = 1;
			return 0;
		}
		if (at == EXT2L_ROOT_INO)
			return 0;
		if (++steps > (int)sbi->s_inodes_count) {
			ext2l_error(sbi); /* a loop: the fs is corrupt */
			return -EIO;
		}
		cur = ext2l_iget(sbi, at, &err);
		if (!cur)
			return err;
		err = ext2l_lookup(cur, "..", &up);
		ext2l_iput(cur);
		if (err)
			return err;
		at = up;
	}
}

int ext2l_rename(struct ext2l_inode_info *odir, const char *oldname,
		 struct ext2l_inode_info *ndir, const char *newname)
{
	struct ext2l_sb_info *sbi = odir->vfs_inode.i_sb;
	struct ext2l_inode_info *ei;
	unsigned int ino, existing, odir_ino, ndir_ino;
	int err, is_dir, below;

	if (fs_readonly(sbi))
		return -EROFS;
	if (strcmp(oldname, ".") == 0 || strcmp(oldname, "..") == 0 ||
	    strcmp(newname, ".") == 0 || strcmp(newname, "..") == 0)
		return -EINVAL;
	if (!is_dir_mode(ndir->vfs_inode.i_mode))
		return -ENOTDIR;
	err = ext2l_lookup(odir, oldname, &ino);
	if (err)
		return err;
	err = ext2l_lookup(ndir, newname, &existing);
	if (err == 0)
		return -EEXIST;
	if (err != -ENOENT)
		return err;
	ei = ext2l_iget(sbi, ino, &err);
	if (!ei)
		return err;
	is_dir = is_dir_mode(ei->vfs_inode.i_mode);
	odir_ino = (unsigned int)odir->vfs_inode.i_ino;
	ndir_ino = (unsigned int)ndir->vfs_inode.i_ino;
	if (is_dir) {
		err = is_ancestor(sbi, ino, ndir_ino, &below);
		if (!err && below)
			err = -EINVAL; /* into itself */
		if (err)
			goto out;
	}
	err = ext2l_add_entry(ndir, newname, ino, is_dir ? EXT2L_FT_DIR : EXT2L_FT_REG_FILE);
	if (err)
		goto out;
	err = ext2l_remove_entry(odir, oldname);
	if (err) {
		ext2l_remove_entry(ndir, newname);
		goto out;
	}
	if (is_dir && odir_ino != ndir_ino) {
		err = set_dotdot(ei, ndir_ino);
		if (err)
			goto out;
		mutex_lock(&odir->i_mutex);
		change_nlink(&odir->vfs_inode, -1);
		err = ext2l_write_inode(odir);
		mutex_unlock(&odir->i_mutex);
		if (err)
			goto out;
		mutex_lock(&ndir->i_mutex);
		change_nlink(&ndir->vfs_inode, 1);
		err = ext2l_write_inode(ndir);
		mutex_unlock(&ndir->i_mutex);
	}
out:
	ext2l_iput(ei);
	return err;
}

int ext2l_link_path(struct ext2l_sb_info *sbi, const char *oldpath, const char *newpath)
{
	char last[EXT2L_NAME_LEN + 1];
	struct ext2l_inode_info *ei, *dir;
	int err;

	err = ext2l_namei(sbi, oldpath, &ei);
	if (err)
		return err;
	err = namei_parent(sbi, newpath, &dir, last);
	if (!err) {
		err = ext2l_link(dir, last, ei);
		ext2l_iput(dir);
	}
	ext2l_iput(ei);
	return err;
}

int ext2l_rename_path(struct ext2l_sb_info *sbi, const char *oldpath, const char *newpath)
{
	char oldlast[EXT2L_NAME_LEN + 1], newlast[EXT2L_NAME_LEN + 1];
	struct ext2l_inode_info *odir, *ndir;
	int err;

	err = namei_parent(sbi, oldpath, &odir, oldlast);
	if (err)
		return err;
	err = namei_parent(sbi, newpath, &ndir, newlast);
	if (!err) {
		err = ext2l_rename(odir, oldlast, ndir, newlast);
		ext2l_iput(ndir);
	}
	ext2l_iput(odir);
	return err;
}

/* ---- fsck ---- */

/* What fsck keeps while it walks the tree. */
struct fsck_state {
	struct ext2l_sb_info *sbi;
	struct ext2l_fsck *r;
	unsigned char *block_seen; /* per block */
	unsigned int *links;       /* per inode: entries that name it */
	unsigned char *reached;    /* per inode */
	unsigned int *queue;       /* directories still to read */
	unsigned int head, tail;
};

/* Marks one block of an inode as used; an error if it is outside the data area or taken. */
static void fsck_block(struct fsck_state *s, unsigned int block, unsigned int *count)
{
	if (block < s->sbi->s_data_start || block >= s->sbi->s_blocks_count ||
	    s->block_seen[block]) {
		s->r->errors++;
		return;
	}
	s->block_seen[block] = 1;
	s->r->used_blocks++;
	(*count)++;
}

/* Reads the entries of directory block `b` of directory `ino`. */
static void fsck_dir_block(struct fsck_state *s, const unsigned char *b, unsigned int ino,
			   unsigned int lblk)
{
	unsigned int off, child;

	for (off = 0; off < EXT2L_BLOCK_SIZE;) {
		if (check_dirent(b, off)) {
			s->r->errors++;
			return;
		}
		child = get_le32(b + off + DE_INODE);
		if (lblk == 0 && off == 0 && (child != ino || b[off + DE_NAME_LEN] != 1))
			s->r->errors++; /* the first entry is "." */
		if (child != 0) {
			if (child > s->sbi->s_inodes_count) {
				s->r->errors++;
			} else {
				s->links[child]++;
				if (!s->reached[child]) {
					s->reached[child] = 1;
					s->queue[s->tail++] = child;
				}
			}
		}
		off += get_le16(b + off + DE_REC_LEN);
	}
}

/* Checks one reached inode: its block map, block count and size, and reads it if it is a
 * directory. */
static int fsck_inode(struct fsck_state *s, unsigned int ino)
{
	struct ext2l_sb_info *sbi = s->sbi;
	unsigned char b[EXT2L_BLOCK_SIZE], ind[EXT2L_BLOCK_SIZE];
	unsigned int block, offset, i, mode, size, count = 0, nr, limit;
	unsigned int data[EXT2L_N_BLOCKS];
	int err, is_dir;

	err = inode_location(sbi, ino, &block, &offset);
	if (err)
		return err;
	err = ext2l_bdev_read(sbi->s_bdev, block, b);
	if (err)
		return err;
	mode = get_le16(b + offset + DI_MODE);
	size = get_le32(b + offset + DI_SIZE);
	if (mode == 0 || get_le16(b + offset + DI_LINKS) == 0) {
		s->r->errors++;
		return 0;
	}
	is_dir = is_dir_mode(mode);
	if (is_dir)
		s->r->dirs++;
	else
		s->r->files++;
	s->r->used_inodes++;
	if (is_symlink_mode(mode) && get_le32(b + offset + DI_BLOCKS) == 0) {
		/* A fast symlink: the target is in i_block, no blocks. */
		if (size == 0 || size > EXT2L_FAST_SYMLINK_LEN)
			s->r->errors++;
		return 0;
	}
	if (is_symlink_mode(mode) && (size <= EXT2L_FAST_SYMLINK_LEN || size >= EXT2L_BLOCK_SIZE))
		s->r->errors++;
	for (i = 0; i < EXT2L_N_BLOCKS; i++)
		data[i] = get_le32(b + offset + DI_BLOCK + 4 * i);
	limit = (size + EXT2L_BLOCK_SIZE - 1) / EXT2L_BLOCK_SIZE;
	for (i = 0; i < EXT2L_NDIR_BLOCKS; i++) {
		if (data[i] == 0)
			continue;
		if (i >= limit)
			s->r->errors++; /* a block past the size */
		fsck_block(s, data[i], &count);
		if (is_dir && i < limit) {
			err = ext2l_bdev_read(sbi->s_bdev, data[i], b);
			if (err)
				return err;
			fsck_dir_block(s, b, ino, i);
		}
	}
	if (data[EXT2L_IND_BLOCK] != 0) {
		if (is_dir)
			s->r->errors++; /* directories have only direct blocks */
		fsck_block(s, data[EXT2L_IND_BLOCK], &count);
		err = ext2l_bdev_read(sbi->s_bdev, data[EXT2L_IND_BLOCK], ind);
		if (err)
			return err;
		for (i = 0; i < EXT2L_ADDR_PER_BLOCK; i++) {
			nr = get_le32(ind + 4 * i);
			if (nr == 0)
				continue;
			if (EXT2L_NDIR_BLOCKS + i >= limit)
				s->r->errors++;
			fsck_block(s, nr, &count);
		}
	}
	if (data[13] != 0 || data[14] != 0)
		s->r->errors++; /* no double or triple indirect blocks */
	if (get_le32(b + offset + DI_BLOCKS) != count * (EXT2L_BLOCK_SIZE / 512) && !is_dir)
		s->r->errors++;
	if (is_dir) {
		/* Reread: `b` was reused for the directory blocks. */
		err = ext2l_bdev_read(sbi->s_bdev, block, b);
		if (err)
			return err;
		if (get_le32(b + offset + DI_BLOCKS) != count * (EXT2L_BLOCK_SIZE / 512) ||
		    size % EXT2L_BLOCK_SIZE != 0 || count != limit || size == 0)
			s->r->errors++;
	}
	return 0;
}

int ext2l_fsck(struct ext2l_sb_info *sbi, struct ext2l_fsck *report)
{
	struct fsck_state s;
	unsigned char bmap[EXT2L_BLOCK_SIZE], imap[EXT2L_BLOCK_SIZE];
	unsigned char b[EXT2L_BLOCK_SIZE];
	unsigned int i, free_blocks = 0, free_inodes = 0, block, offset;
	int err = 0;

	memset(report, 0, sizeof(*report));
	memset(&s, 0, sizeof(s));
	s.sbi = sbi;
	s.r = report;
	s.block_seen = kzalloc(sbi->s_blocks_count, GFP_KERNEL);
	s.links = kcalloc(sbi->s_inodes_count + 1, sizeof(unsigned int), GFP_KERNEL);
	s.reached = kzalloc(sbi->s_inodes_count + 1, GFP_KERNEL);
	s.queue = kcalloc(sbi->s_inodes_count + 1, sizeof(unsigned int), GFP_KERNEL);
	if (!s.block_seen || !s.links || !s.reached || !s.queue) {
		err = -ENOMEM;
		goto out;
	}
	for (i = EXT2L_SB_BLOCK; i < sbi->s_data_start; i++)
		s.block_seen[i] = 1;

	/* The root's ".." names it too; its entry in no parent is the ".." itself. */
	s.reached[EXT2L_ROOT_INO] = 1;
	s.queue[s.tail++] = EXT2L_ROOT_INO;
	while (s.head < s.tail) {
		err = fsck_inode(&s, s.queue[s.head++]);
		if (err)
			goto out;
	}

	mutex_lock(&sbi->s_lock);
	err = ext2l_bdev_read(sbi->s_bdev, sbi->s_block_bitmap, bmap);
	if (!err)
		err = ext2l_bdev_read(sbi->s_bdev, sbi->s_inode_bitmap, imap);
	if (!err) {
		for (i = EXT2L_SB_BLOCK; i < sbi->s_blocks_count; i++) {
			int used = test_bit(bmap, i - 1);

			if (!used)
				free_blocks++;
			if (used != s.block_seen[i])
				report->errors++;
		}
		for (i = 1; i <= sbi->s_inodes_count; i++) {
			int used = test_bit(imap, i - 1);

			if (!used)
				free_inodes++;
			if (i < sbi->s_first_ino && i != EXT2L_ROOT_INO) {
				if (!used)
					report->errors++; /* reserved inodes stay allocated */
				continue;
			}
			if (used != s.reached[i])
				report->errors++;
		}
		if (free_blocks != sbi->s_free_blocks_count ||
		    free_inodes != sbi->s_free_inodes_count || report->dirs != sbi->s_dirs_count)
			report->errors++;
	}
	mutex_unlock(&sbi->s_lock);
	if (err)
		goto out;

	/* Link counts: every entry naming an inode is one link. */
	for (i = 1; i <= sbi->s_inodes_count; i++) {
		if (!s.reached[i])
			continue;
		err = inode_location(sbi, i, &block, &offset);
		if (!err)
			err = ext2l_bdev_read(sbi->s_bdev, block, b);
		if (err)
			goto out;
		if (get_le16(b + offset + DI_LINKS) != s.links[i])
			report->errors++;
	}
out:
	kfree(s.block_seen);
	kfree(s.links);
	kfree(s.reached);
	kfree(s.queue);
	return err;
}
